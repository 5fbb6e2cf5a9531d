import { defineKind } from 'splitsim';

/**
 * The component kinds the protocol models simulate. Their parameters belong to the models (a
 * kind says what a thing is, the model how it is simulated). Clients use the built-in `client`
 * kind.
 */
export const replica = defineKind({ kind: 'replica', description: 'a server of a replicated state machine' });
export const observer = defineKind({ kind: 'observer', description: 'receives reports from the components it watches and checks invariants over them' });
export const coordinator = defineKind({ kind: 'coordinator', description: 'runs distributed transactions over participants' });
export const participant = defineKind({ kind: 'participant', description: 'a resource manager that votes on and applies transactions' });
export const processKind = defineKind({ kind: 'process', description: 'a process of a distributed computation that multicasts messages to its peers' });
export const sequencer = defineKind({ kind: 'sequencer', description: 'numbers messages in one order for all receivers' });
export const producer = defineKind({ kind: 'producer', description: 'publishes messages to a broker' });
export const broker = defineKind({ kind: 'broker', description: 'a message broker: stores, replicates and delivers messages' });
export const consumer = defineKind({ kind: 'consumer', description: 'receives messages from a broker, processes and acknowledges them' });
