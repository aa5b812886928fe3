/**
 * A dense n-dimensional array as numpy stores it: row-major (C order, last axis fastest).
 * The common currency of params, features and golden vectors; carries no behaviour.
 */
export type DType =
  | 'float32'
  | 'float16'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'bool';

export type TypedArray =
  | Float32Array
  | Float64Array
  | Uint16Array // float16 bits
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array; // uint8 and bool

export interface NdArray<T extends TypedArray = TypedArray> {
  dtype: DType;
  shape: number[];
  data: T;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function float32(shape: number[], data?: Float32Array): NdArray<Float32Array> {
  return { dtype: 'float32', shape, data: data ?? new Float32Array(sizeOf(shape)) };
}

export function int32(shape: number[], data?: Int32Array): NdArray<Int32Array> {
  return { dtype: 'int32', shape, data: data ?? new Int32Array(sizeOf(shape)) };
}
