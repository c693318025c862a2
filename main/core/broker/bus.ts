import type { Aedes, AedesPublishPacket } from 'aedes';
import type { BusMessage, Logger, MqttBus } from '../../../shared/adapter/contract.ts';
import { isValidTopicFilter, isValidTopicName, topicMatches } from './topic-filter.ts';
import type { RetainedOrigins } from './retained-origins.ts';

/** Publishes the ACL refused are re-routed here so aedes can still ack them; nobody may read it. */
export const DENIED_TOPIC = '$truss/denied';

interface RetainedSource {
  createRetainedStream(pattern: string): AsyncIterable<AedesPublishPacket>;
}

/**
 * The core's view of the broker: aedes' own subscribe/publish, no loopback MQTT client.
 * Subscribing replays matching retained messages, as a real MQTT subscription would.
 */
export function createBus(
  aedes: Aedes,
  origins: RetainedOrigins,
  log: Logger,
  onCorePublish: () => void,
): MqttBus {
  return {
    subscribe(pattern, handler) {
      if (!isValidTopicFilter(pattern)) throw new Error(`invalid topic filter ${JSON.stringify(pattern)}`);
      const wildcardFirst = pattern.startsWith('+') || pattern.startsWith('#');
      let active = true;
      const call = (msg: BusMessage): void => {
        try {
          handler(msg);
        } catch (err) {
          log.error({ topic: msg.topic, pattern, reason: (err as Error).message }, 'bus subscriber threw');
        }
      };
      const deliver = (packet: AedesPublishPacket, cb: () => void): void => {
        const skip = packet.topic === DENIED_TOPIC || (wildcardFirst && packet.topic.startsWith('$'));
        if (active && !skip) {
          const clientId = (packet as { clientId?: string }).clientId ?? null;
          call({ topic: packet.topic, payload: packet.payload as Buffer, retain: packet.retain, clientId });
        }
        cb();
      };
      aedes.subscribe(pattern, deliver, () => {
        const persistence = (aedes as unknown as { persistence?: RetainedSource }).persistence;
        if (!persistence) return;
        void (async () => {
          try {
            for await (const packet of persistence.createRetainedStream(pattern)) {
              if (!active) break;
              if (!topicMatches(pattern, packet.topic)) continue;
              const payload = packet.payload as Buffer;
              call({ topic: packet.topic, payload, retain: true, clientId: origins.get(packet.topic) });
            }
          } catch (err) {
            log.error({ pattern, reason: (err as Error).message }, 'retained replay failed');
          }
        })();
      });
      return () => {
        if (!active) return;
        active = false;
        aedes.unsubscribe(pattern, deliver, () => {});
      };
    },

    publish(topic, payload, opts) {
      if (!isValidTopicName(topic) || topic.startsWith('$')) {
        return Promise.reject(new Error(`invalid publish topic ${JSON.stringify(topic)}`));
      }
      const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
      const retain = opts?.retain ?? false;
      if (retain) origins.record(topic, null, body.length);
      onCorePublish();
      return new Promise<void>((resolve, reject) => {
        aedes.publish(
          { cmd: 'publish', topic, payload: body, qos: opts?.qos ?? 0, retain, dup: false },
          (err) => (err ? reject(err) : resolve()),
        );
      });
    },
  };
}
