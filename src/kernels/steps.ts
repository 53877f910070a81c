/**
 * The recurrent steps of the step contract (backend.ts) in plain loops, over any backend's products and
 * activations: the JavaScript backend's steps, and every backend's general path (activations other than
 * Keras' defaults, arrays other than Float32Array). The fast kernels of the other backends (wasm.ts,
 * native/src/fused.cc) perform exactly this arithmetic for the default activations, operation for
 * operation: each expression in double precision (JavaScript numbers), rounded where it is stored.
 *
 * Offsets: s = (t−1)·B·U is h_{t−1} and c_{t−1} in the state buffers and step t in the [T, B, U] blocks;
 * s + B·U is h_t and c_t; z = (t−1)·B·G is step t in the [T, B, G] gate blocks (G = 4U for LSTM, 3U for GRU).
 *
 * Recurrent dropout (`st.recurrentDropout`, a [B, n·U] mask with one [B, U] block m_k per gate block): the
 * recurrent product of gate block k reads h_{t−1} ⊙ m_k (dropout-steps.ts: `dropHidden` writes them, the
 * products are one per gate block); backward, the gradient through U_kᵀ is multiplied by m_k before it joins
 * dhNext (`droppedProductBackward`). Without a mask each step runs exactly its code without dropout.
 */
import type { Backend, GruStep, LstmStep, SimpleRnnStep, StepCommon } from './backend.js';
import { dropHidden, droppedProduct, droppedProductBackward } from './dropout-steps.js';
import type { StepOps } from './step-views.js';
import { sa, sb, sc } from './step-views.js';

export type { StepOps } from './step-views.js';
export { sa, sb, sc } from './step-views.js';

/**
 * dL/dh_t = dh_t + dhNext into block t−1 of the probe, when there is one: for the fast kernels, which do
 * not store it themselves. The same sum, rounded where it is stored, as the loops below store.
 */
export function storeProbe(st: StepCommon): void {
  const { probe, dh, dhNext } = st;
  if (probe === null) return;
  const n = st.B * st.U;
  const o = (st.t - 1) * n;
  for (let k = 0; k < n; k++) probe[o + k] = dh[o + k] + dhNext[k];
}

// h [(T+1)·B·U]: block t holds x_t · W + b; += h_{t−1} · U (h_{t−1} ⊙ m with recurrent dropout), then act
// in place
export function simpleRnnForward(be: StepOps, st: SimpleRnnStep): void {
  const { B, U, t, h } = st;
  const s = (t - 1) * B * U;
  if (st.recurrentDropout === null)
    be.gemm(B, U, U, sa(h, s, U, false), sb(st.recurrentKernel, 0, U, false), sc(h, s + B * U, U), true);
  else droppedProduct(be, st, 1, U, dropHidden(st, 1), 0, 1, h, s + B * U, U);
  be.activate(st.activation, h, s + B * U, B * U);
}

// dh block t−1 ← (dh_t + dhNext) ⊙ act'(h_t) = dz_t; dhNext ← dz_t · Uᵀ (⊙ m with recurrent dropout)
export function simpleRnnBackward(be: StepOps, st: SimpleRnnStep): void {
  const { B, U, t, h, dh, dhNext } = st;
  const o = (t - 1) * B * U;
  for (let k = 0; k < B * U; k++) dh[o + k] += dhNext[k];
  st.probe?.set(dh.subarray(o, o + B * U), o); // dL/dh_t, before act' turns it into dz_t
  be.activateBackward(st.activation, h, t * B * U, dh, o, B * U);
  if (st.recurrentDropout === null)
    be.gemm(B, U, U, sa(dh, o, U, false), sb(st.recurrentKernel, 0, U, true), sc(dhNext, 0, U), false);
  else droppedProductBackward(be, st, 1, U, dh, o, U, 0, 1, false);
}

// gates block t−1 [B, 4U] += h_{t−1} · U, activated in place; c_t = f ⊙ c_{t−1} + i ⊙ g; cAct = act(c_t);
// h_t = o ⊙ cAct
export function lstmForward(be: StepOps, st: LstmStep): void {
  const { B, U, t, h, c, gates, cAct } = st;
  const G = 4 * U;
  const act = st.activation;
  const ract = st.recurrentActivation;
  const zOff = (t - 1) * B * G;
  const sPrev = (t - 1) * B * U;
  const sOff = t * B * U;
  const aOff = sPrev;
  if (st.recurrentDropout === null)
    be.gemm(B, G, U, sa(h, sPrev, U, false), sb(st.recurrentKernel, 0, G, false), sc(gates, zOff, G), true);
  else droppedProduct(be, st, 4, G, dropHidden(st, 4), 0, 4, gates, zOff, G);
  for (let b = 0; b < B; b++) {
    const row = zOff + b * G;
    be.activate(ract, gates, row, 2 * U);
    be.activate(act, gates, row + 2 * U, U);
    be.activate(ract, gates, row + 3 * U, U);
  }
  // c_t = f ⊙ c_{t-1} + i ⊙ g, and a copy of it in cAct to activate
  for (let b = 0; b < B; b++) {
    const row = zOff + b * G;
    for (let j = 0; j < U; j++) {
      const k = b * U + j;
      const ct = gates[row + U + j] * c[sPrev + k] + gates[row + j] * gates[row + 2 * U + j];
      c[sOff + k] = ct;
      cAct[aOff + k] = ct;
    }
  }
  be.activate(act, cAct, aOff, B * U);
  for (let b = 0; b < B; b++) {
    const row = zOff + b * G;
    for (let j = 0; j < U; j++) {
      const k = b * U + j;
      h[sOff + k] = gates[row + 3 * U + j] * cAct[aOff + k];
    }
  }
}

// dz block t−1 [B, 4U]; dcNext ← dc ⊙ f; dhNext ← dz_t · Uᵀ (Σ_k (dz_k · U_kᵀ) ⊙ m_k with recurrent
// dropout). Overwrites block t−1 of dh.
export function lstmBackward(be: StepOps, st: LstmStep): void {
  const { B, U, t, c, gates, cAct, dh, dz, dhNext, dcNext, probe } = st;
  const G = 4 * U;
  const act = st.activation;
  const ract = st.recurrentActivation;
  const zOff = (t - 1) * B * G;
  const o = (t - 1) * B * U; // step t in dh and cAct; c_{t−1} in c
  // dhTotal = dh_t + dhNext; dz_o (before ract') = dhTotal ⊙ act(c_t);
  // dh block ← dhTotal ⊙ o ⊙ act'(c_t), the path into c_t
  for (let b = 0; b < B; b++) {
    const row = zOff + b * G;
    for (let j = 0; j < U; j++) {
      const k = b * U + j;
      const dhTotal = dh[o + k] + dhNext[k];
      if (probe !== null) probe[o + k] = dhTotal;
      dz[row + 3 * U + j] = dhTotal * cAct[o + k];
      dh[o + k] = dhTotal * gates[row + 3 * U + j];
    }
  }
  be.activateBackward(act, cAct, o, dh, o, B * U);
  // dc = dcNext + (path through h_t); gate gradients before their activations' derivatives; dcNext = dc ⊙ f
  for (let b = 0; b < B; b++) {
    const row = zOff + b * G;
    for (let j = 0; j < U; j++) {
      const k = b * U + j;
      const dc = dcNext[k] + dh[o + k];
      dz[row + j] = dc * gates[row + 2 * U + j]; // di = dc ⊙ g
      dz[row + U + j] = dc * c[o + k]; // df = dc ⊙ c_{t-1}
      dz[row + 2 * U + j] = dc * gates[row + j]; // dg = dc ⊙ i
      dcNext[k] = dc * gates[row + U + j];
    }
  }
  // through the gate activations, from their outputs: dz_t complete
  for (let b = 0; b < B; b++) {
    const row = zOff + b * G;
    be.activateBackward(ract, gates, row, dz, row, 2 * U);
    be.activateBackward(act, gates, row + 2 * U, dz, row + 2 * U, U);
    be.activateBackward(ract, gates, row + 3 * U, dz, row + 3 * U, U);
  }
  if (st.recurrentDropout === null)
    be.gemm(B, U, G, sa(dz, zOff, G, false), sb(st.recurrentKernel, 0, G, true), sc(dhNext, 0, U), false);
  else droppedProductBackward(be, st, 4, G, dz, zOff, G, 0, 4, false);
}

export function gruForward(be: StepOps, st: GruStep): void {
  const { B, U, t, h, gates } = st;
  const U3 = 3 * U;
  const g = (t - 1) * B * U3;
  const hp = (t - 1) * B * U;
  const ht = t * B * U;
  if (st.resetAfter) gruGatesResetAfter(be, st);
  else gruGatesResetBefore(be, st);
  // h_t = z ⊙ h_{t-1} + (1 − z) ⊙ hh
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < U; j++) {
      const z = gates[g + b * U3 + j];
      h[ht + b * U + j] = z * h[hp + b * U + j] + (1 - z) * gates[g + b * U3 + 2 * U + j];
    }
  }
}

// resetAfter: mh_t [B, 3U] accumulates h_{t-1} · U (it holds b[1] already; with recurrent dropout, block k
// accumulates (h_{t-1} ⊙ m_k) · U_k); the gates of step t become
// z = ract(mx_z + mh_z), r = ract(mx_r + mh_r), hh = act(mx_h + r ⊙ mh_h)
function gruGatesResetAfter(be: StepOps, st: GruStep): void {
  const { B, U, t, h, gates, mh } = st;
  const U3 = 3 * U;
  const g = (t - 1) * B * U3;
  if (st.recurrentDropout === null) {
    be.gemm(
      B,
      U3,
      U,
      sa(h, (t - 1) * B * U, U, false),
      sb(st.recurrentKernel, 0, U3, false),
      sc(mh, g, U3),
      true,
    );
  } else droppedProduct(be, st, 3, U3, dropHidden(st, 3), 0, 3, mh, g, U3);
  for (let b = 0; b < B; b++) {
    const o = g + b * U3;
    for (let k = 0; k < 2 * U; k++) gates[o + k] += mh[o + k];
    be.activate(st.recurrentActivation, gates, o, 2 * U);
    for (let j = 0; j < U; j++) gates[o + 2 * U + j] += gates[o + U + j] * mh[o + 2 * U + j];
    be.activate(st.activation, gates, o + 2 * U, U);
  }
}

// not resetAfter: [mx_z, mx_r] accumulates h_{t-1} · U_{zr}; rh_t = r ⊙ h_{t-1} [B, U]; mx_h accumulates
// rh_t · U_h. With recurrent dropout, h_{t-1} ⊙ m_k in block k's product: rh_t = r ⊙ (h_{t-1} ⊙ m_h).
function gruGatesResetBefore(be: StepOps, st: GruStep): void {
  const { B, U, t, h, gates, rh } = st;
  const U3 = 3 * U;
  const g = (t - 1) * B * U3;
  const hp = (t - 1) * B * U;
  if (st.recurrentDropout === null) {
    be.gemm(B, 2 * U, U, sa(h, hp, U, false), sb(st.recurrentKernel, 0, U3, false), sc(gates, g, U3), true);
    for (let b = 0; b < B; b++) {
      const o = g + b * U3;
      be.activate(st.recurrentActivation, gates, o, 2 * U);
      for (let j = 0; j < U; j++) rh[hp + b * U + j] = gates[o + U + j] * h[hp + b * U + j];
    }
  } else {
    const d = dropHidden(st, 3);
    droppedProduct(be, st, 3, U3, d, 0, 2, gates, g, U3);
    for (let b = 0; b < B; b++) {
      const o = g + b * U3;
      be.activate(st.recurrentActivation, gates, o, 2 * U);
      for (let j = 0; j < U; j++) rh[hp + b * U + j] = gates[o + U + j] * st.hDrop[d + b * U3 + 2 * U + j];
    }
  }
  be.gemm(
    B,
    U,
    U,
    sa(rh, hp, U, false),
    sb(st.recurrentKernel, 2 * U, U3, false),
    sc(gates, g + 2 * U, U3),
    true,
  );
  for (let b = 0; b < B; b++) be.activate(st.activation, gates, g + b * U3 + 2 * U, U);
}

export function gruBackward(be: StepOps, st: GruStep): void {
  const { B, U, t, h, gates, dh, dMX, dhNext, probe } = st;
  const U3 = 3 * U;
  const g = (t - 1) * B * U3;
  const hp = (t - 1) * B * U; // h_{t-1} in h; step t in dh
  // the update h_t = z ⊙ h_{t-1} + (1 − z) ⊙ hh; dhNext keeps its direct part dht ⊙ z
  for (let b = 0; b < B; b++) {
    const o = g + b * U3;
    for (let j = 0; j < U; j++) {
      const k = b * U + j;
      const dht = dh[hp + k] + dhNext[k];
      if (probe !== null) probe[hp + k] = dht;
      const z = gates[o + j];
      dMX[o + j] = dht * (h[hp + k] - gates[o + 2 * U + j]);
      dMX[o + 2 * U + j] = dht * (1 - z);
      dhNext[k] = dht * z;
    }
    be.activateBackward(st.recurrentActivation, gates, o, dMX, o, U); // dzPre
    be.activateBackward(st.activation, gates, o + 2 * U, dMX, o + 2 * U, U); // dhhPre
  }
  if (st.resetAfter) gruBackwardResetAfter(be, st);
  else gruBackwardResetBefore(be, st);
}

// resetAfter: drPre = dhhPre ⊙ mh_h ⊙ ract'(r); dMH_t = [dzPre, drPre, dhhPre ⊙ r]; dhNext accumulates
// dMH_t · Uᵀ (Σ_k (dMH_k · U_kᵀ) ⊙ m_k with recurrent dropout)
function gruBackwardResetAfter(be: StepOps, st: GruStep): void {
  const { B, U, t, gates, mh, dMX, dMH, dhNext } = st;
  const U3 = 3 * U;
  const g = (t - 1) * B * U3;
  for (let b = 0; b < B; b++) {
    const o = g + b * U3;
    for (let j = 0; j < U; j++) dMX[o + U + j] = dMX[o + 2 * U + j] * mh[o + 2 * U + j];
    be.activateBackward(st.recurrentActivation, gates, o + U, dMX, o + U, U); // drPre
    for (let k = 0; k < 2 * U; k++) dMH[o + k] = dMX[o + k];
    for (let j = 0; j < U; j++) dMH[o + 2 * U + j] = dMX[o + 2 * U + j] * gates[o + U + j];
  }
  if (st.recurrentDropout === null)
    be.gemm(B, U, U3, sa(dMH, g, U3, false), sb(st.recurrentKernel, 0, U3, true), sc(dhNext, 0, U), true);
  else droppedProductBackward(be, st, 3, U3, dMH, g, U3, 0, 3, true);
}

// not resetAfter: drh = dhhPre · U_hᵀ [B, U]; drPre = drh ⊙ h_{t-1} ⊙ ract'(r); dhNext accumulates
// drh ⊙ r + [dzPre, drPre] · U_{zr}ᵀ. With recurrent dropout: drPre = drh ⊙ (h_{t-1} ⊙ m_h) ⊙ ract'(r);
// dhNext accumulates drh ⊙ r ⊙ m_h + Σ_{k = z, r} (dMX_k · U_kᵀ) ⊙ m_k.
function gruBackwardResetBefore(be: StepOps, st: GruStep): void {
  if (st.recurrentDropout !== null) {
    gruBackwardResetBeforeDropped(be, st);
    return;
  }
  const { B, U, t, h, gates, dMX, drh, dhNext } = st;
  const U3 = 3 * U;
  const g = (t - 1) * B * U3;
  const hp = (t - 1) * B * U;
  be.gemm(
    B,
    U,
    U,
    sa(dMX, g + 2 * U, U3, false),
    sb(st.recurrentKernel, 2 * U, U3, true),
    sc(drh, 0, U),
    false,
  );
  for (let b = 0; b < B; b++) {
    const o = g + b * U3;
    for (let j = 0; j < U; j++) {
      const k = b * U + j;
      dMX[o + U + j] = drh[k] * h[hp + k];
      dhNext[k] += drh[k] * gates[o + U + j];
    }
    be.activateBackward(st.recurrentActivation, gates, o + U, dMX, o + U, U); // drPre
  }
  be.gemm(B, U, 2 * U, sa(dMX, g, U3, false), sb(st.recurrentKernel, 0, U3, true), sc(dhNext, 0, U), true);
}

// gruBackwardResetBefore with a recurrent dropout mask m [B, 3U]; see there.
function gruBackwardResetBeforeDropped(be: StepOps, st: GruStep): void {
  const { B, U, t, gates, dMX, drh, dhNext, hDrop } = st;
  const m = st.recurrentDropout!;
  const U3 = 3 * U;
  const g = (t - 1) * B * U3; // step t in the gate blocks, and in hDrop
  be.gemm(
    B,
    U,
    U,
    sa(dMX, g + 2 * U, U3, false),
    sb(st.recurrentKernel, 2 * U, U3, true),
    sc(drh, 0, U),
    false,
  );
  for (let b = 0; b < B; b++) {
    const o = g + b * U3;
    for (let j = 0; j < U; j++) {
      const k = b * U + j;
      dMX[o + U + j] = drh[k] * hDrop[o + 2 * U + j];
      dhNext[k] += drh[k] * gates[o + U + j] * m[b * U3 + 2 * U + j];
    }
    be.activateBackward(st.recurrentActivation, gates, o + U, dMX, o + U, U); // drPre
  }
  droppedProductBackward(be, st, 3, U3, dMX, g, U3, 0, 2, true);
}

export type StepMethod =
  'simpleRnnForward' | 'simpleRnnBackward' | 'lstmForward' | 'lstmBackward' | 'gruForward' | 'gruBackward';

/** The step methods of a backend that has no fast kernels of its own: the loops above over `be`. */
export function generalSteps(be: StepOps): Pick<Backend, StepMethod> {
  return {
    simpleRnnForward: (st) => simpleRnnForward(be, st),
    simpleRnnBackward: (st) => simpleRnnBackward(be, st),
    lstmForward: (st) => lstmForward(be, st),
    lstmBackward: (st) => lstmBackward(be, st),
    gruForward: (st) => gruForward(be, st),
    gruBackward: (st) => gruBackward(be, st),
  };
}

/** Keras' default activations: the ones the fast kernels of the wasm and native backends compute. */
export function hasDefaultActivations(st: { activation: string; recurrentActivation: string }): boolean {
  return st.activation === 'tanh' && st.recurrentActivation === 'sigmoid';
}
