// Geography: kabupaten → kecamatan → desa/kelurahan of Balangan.
export { areas } from "./areas.sql.js";
export { BALANGAN_CODE, balanganAreas, seedAreas } from "./seed.js";
export { desaLabel } from "./label.js";
