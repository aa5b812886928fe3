/**
 * Homogeneous 4×4 rigid transforms built from two direction vectors and a translation, the
 * construction AF2 uses for its rigid-group default frames (`_make_rigid_transformation_4x4`,
 * a Gram–Schmidt step: supplement Algorithm 21 `rigidFrom3Points` in 4×4 form).
 *
 * Layout: Float64Array(16), row-major; the rotation's columns are the unit axes
 * (e_x, e_y, e_z), column 3 is the translation, the last row is (0, 0, 0, 1).
 */

export type Vec3 = readonly [number, number, number];

function norm(v: Vec3): number {
  return Math.hypot(v[0], v[1], v[2]);
}

/**
 * e_x = ex/|ex|; e_y = ey minus its e_x component, normalised; e_z = e_x × e_y.
 * Returns the row-major [4, 4] matrix [[e_x e_y e_z t], [0 0 0 1]].
 */
export function makeRigidTransformation4x4(ex: Vec3, ey: Vec3, translation: Vec3): Float64Array {
  const nx = norm(ex);
  const e1: Vec3 = [ex[0] / nx, ex[1] / nx, ex[2] / nx];
  const d = ey[0] * e1[0] + ey[1] * e1[1] + ey[2] * e1[2];
  const u: Vec3 = [ey[0] - d * e1[0], ey[1] - d * e1[1], ey[2] - d * e1[2]];
  const nu = norm(u);
  const e2: Vec3 = [u[0] / nu, u[1] / nu, u[2] / nu];
  const e3: Vec3 = [
    e1[1] * e2[2] - e1[2] * e2[1],
    e1[2] * e2[0] - e1[0] * e2[2],
    e1[0] * e2[1] - e1[1] * e2[0],
  ];
  // biome-ignore format: a 4x4 matrix reads best as 4 rows
  return Float64Array.of(
    e1[0], e2[0], e3[0], translation[0],
    e1[1], e2[1], e3[1], translation[1],
    e1[2], e2[2], e3[2], translation[2],
    0, 0, 0, 1,
  );
}

export function identity4x4(): Float64Array {
  return Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
}

export function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
