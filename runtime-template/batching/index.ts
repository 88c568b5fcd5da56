export { DispatchError } from './dispatcher.js';
export type { Dispatcher, DispatchErrorCode, ExecuteBatch } from './dispatcher.js';
export { createCorkDispatcher } from './cork-dispatcher.js';
export type { BatchEvent, CorkDispatcherOptions, CorkHooks, ReleaseReason, ShedEvent } from './cork-dispatcher.js';
export { createDirectDispatcher } from './direct-dispatcher.js';
export type { DirectDispatcherOptions } from './direct-dispatcher.js';
export { createCostModel, fitLinearCost } from './cost-model.js';
export type { CostEstimate, CostModel, CostModelOptions } from './cost-model.js';
export { createArrivalRate } from './arrival-rate.js';
export type { ArrivalRate, ArrivalRateOptions } from './arrival-rate.js';
export { createSystemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { createFixedTimeoutDispatcher } from './fixed-timeout-dispatcher.js';
export type {
  FixedBatchEvent,
  FixedReleaseReason,
  FixedTimeoutDispatcherOptions,
  FixedTimeoutHooks,
} from './fixed-timeout-dispatcher.js';
