/**
 * @splitsim/protocols: distributed-systems protocol models (Raft, two-phase commit, vector
 * clocks and causal or total-order delivery, message-broker semantics) as one model module,
 * written against the public `splitsim` package alone. A config names it in `modules`:
 *
 *   defineConfig({ modules: ['@splitsim/protocols'], … })
 *
 * Every export below that is a model (a class with a static spec) or a kind is read into the
 * run's catalogue; the helpers are for configs and tests.
 */
export { replica, observer, coordinator, participant, processKind, sequencer, producer, broker, consumer } from './kinds.ts';
export { RaftNode } from './raft/node.ts';
export { RaftClient } from './raft/client.ts';
export { RaftObserver } from './raft/observer.ts';
export { raftCommitLatency, raftElectionTime } from './raft/analytic.ts';
export { pooled, total, type TallyJson } from './figures.ts';
export { Coordinator2pc } from './twopc/coordinator.ts';
export { Participant2pc } from './twopc/participant.ts';
export { VectorClockProcess } from './causal/process.ts';
export { Sequencer } from './causal/sequencer.ts';
export { CausalChecker, causalViolations } from './causal/checker.ts';
export { Producer } from './broker/producer.ts';
export { Broker } from './broker/broker.ts';
export { Consumer } from './broker/consumer.ts';
export { sharedThreading, dedicatedThroughput, publishLatency, crashRedeliveries } from './broker/analytic.ts';
