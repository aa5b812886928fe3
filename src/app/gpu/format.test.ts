import { describe, expect, it } from 'vitest';
import { errorMessage, formatBytes, formatError, formatLimit, formatMs } from './format.ts';

describe('GPU panel formatting', () => {
  it('formats byte limits in binary units with the exact count', () => {
    expect(formatBytes(1024 ** 3)).toBe('1 GiB');
    expect(formatBytes(134217728)).toBe('128 MiB');
    expect(formatBytes(1500)).toBe('1.46 KiB');
    expect(formatLimit('maxBufferSize', 65536)).toBe('64 KiB (65,536 B)');
    expect(formatLimit('maxComputeInvocationsPerWorkgroup', 256)).toBe('256');
    expect(formatLimit('maxComputeWorkgroupsPerDimension', 65535)).toBe('65,535');
  });

  it('formats errors and times', () => {
    expect(formatError(0)).toBe('0');
    expect(formatError(3.2e-7)).toBe('3.20e-7');
    expect(formatError(Number.NaN)).toBe('NaN');
    expect(formatMs(4.5)).toBe('4.50 ms');
    expect(formatMs(123.45)).toBe('123.5 ms');
    expect(formatMs(2500)).toBe('2.50 s');
  });

  it('reads messages out of anything thrown', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage({ code: 1 })).toBe('{"code":1}');
  });
});
