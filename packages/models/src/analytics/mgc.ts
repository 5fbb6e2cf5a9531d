import { erlangC } from './erlang.ts';

/**
 * Approximations of the mean wait in line of GI/G/c (and M/G/c, ca² = 1), for checking
 * simulations with general service times. None is exact; the broker study reports all three
 * beside the simulated value. Inputs: arrival rate λ, mean service time m (same time unit),
 * c servers, SCV of service cs² and of interarrival times ca².
 */
export interface GgcInput {
  lambda: number;
  meanService: number;
  servers: number;
  serviceScv: number;
  arrivalScv?: number;
}

function base(p: GgcInput): { rho: number; mmcWait: number; ca2: number; cs2: number; c: number } {
  const c = p.servers;
  const a = p.lambda * p.meanService;
  const rho = a / c;
  if (!(rho < 1)) throw new RangeError(`G/G/${c}: load ${rho} ≥ 1 is unstable`);
  const mmcWait = (erlangC(c, a) * p.meanService) / (c * (1 - rho));
  return { rho, mmcWait, ca2: p.arrivalScv ?? 1, cs2: p.serviceScv, c };
}

/** Wq of M/M/c with the same λ, m and c: the common factor of all three. */
export function mmcWait(p: GgcInput): number {
  return base(p).mmcWait;
}

/**
 * Allen-Cunneen: Wq ≈ Wq(M/M/c) (ca² + cs²)/2. For Poisson arrivals this is also the form the
 * broker study calls "Kingman" (Lee-Longton); it is exact for M/G/1 (Pollaczek-Khinchine).
 */
export function allenCunneenWait(p: GgcInput): number {
  const b = base(p);
  return (b.mmcWait * (b.ca2 + b.cs2)) / 2;
}

/**
 * Kingman's heavy-traffic formula in Sakasegawa's c-server form:
 * Wq ≈ ρ^(√(2(c+1)) - 1) / (c (1 - ρ)) · (ca² + cs²)/2 · m; Kingman's own for c = 1.
 */
export function kingmanWait(p: GgcInput): number {
  const b = base(p);
  return (Math.pow(b.rho, Math.sqrt(2 * (b.c + 1)) - 1) / (b.c * (1 - b.rho))) * ((b.ca2 + b.cs2) / 2) * p.meanService;
}

/**
 * Whitt (1993, "Approximations for the GI/G/m queue", eqs. 2.16-2.25):
 * Wq ≈ φ(ρ, ca², cs², c) (ca² + cs²)/2 Wq(M/M/c), φ interpolating between M/D/c, D/M/c and
 * M/M/c corrections.
 */
export function whittWait(p: GgcInput): number {
  const b = base(p);
  const { rho, ca2, cs2, c } = b;
  const gamma = Math.min(0.24, ((1 - rho) * (c - 1) * (Math.sqrt(4 + 5 * c) - 2)) / (16 * c * rho));
  const phi1 = 1 + gamma;
  const phi2 = 1 - 4 * gamma;
  const phi3 = phi2 * Math.exp((-2 * (1 - rho)) / (3 * rho));
  const phi4 = Math.min(1, (phi1 + phi3) / 2);
  const psi = (c2: number) => (c2 >= 1 ? 1 : Math.pow(phi4, 2 * (1 - c2)));
  const mid = (ca2 + cs2) / 2;
  const phi =
    ca2 >= cs2
      ? ((4 * (ca2 - cs2)) / (4 * ca2 - 3 * cs2)) * phi1 + (cs2 / (4 * ca2 - 3 * cs2)) * psi(mid)
      : ((cs2 - ca2) / (2 * ca2 + 2 * cs2)) * phi3 + ((cs2 + 3 * ca2) / (2 * ca2 + 2 * cs2)) * psi(mid);
  return phi * mid * b.mmcWait;
}
