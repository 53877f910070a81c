/**
 * `seqcast/conformance`: reading and running conformance cases (reference outputs, gradients and training
 * steps from an independent implementation) against seqcast, as `seqcast conformance` does. Browser-safe.
 */
export * from '../conformance/index.js';
