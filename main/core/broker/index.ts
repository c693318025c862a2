export type { DeviceCredential, CredentialStore } from './credentials.ts';
export { createMemoryCredentialStore } from './credentials.ts';
export type { BrokerOptions, Broker, BrokerStats } from './broker.ts';
export { createBroker } from './broker.ts';
export type { BrokerLimits } from './limits.ts';
export { filterCovers, topicMatches, isValidTopicFilter, isValidTopicName } from './topic-filter.ts';
export { mayPublish, maySubscribe } from './acl.ts';
export { createAclOracle, type AclOracle } from './acl-oracle.ts';
