// pino-roll ships no types; this declares the one factory Truss uses.
declare module 'pino-roll' {
  import type { DestinationStream } from 'pino';
  interface RollStream extends DestinationStream {
    flush(cb?: (err?: Error) => void): void;
    flushSync(): void;
    end(): void;
  }
  export default function pinoRoll(opts: {
    file: string;
    extension?: string;
    frequency?: 'daily' | 'hourly' | number;
    size?: string | number;
    mkdir?: boolean;
    limit?: { count: number };
    sync?: boolean;
  }): Promise<RollStream>;
}
