import { useEffect, useState } from 'react';
import type { ChangeEvent } from 'react';
import type { Result } from '../../../shared/api/methods.ts';
import { MAX_FIRMWARE_BYTES } from '../../../shared/api/methods.ts';
import { MAX_AUTHENTICATED_FRAME_BYTES } from '../../../shared/api/frames.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useAction } from '../../lib/use-action.ts';
import { useSessionObject } from '../../store/context.ts';

type Check = Result<'device.firmware.check'>;

/** an OTA over a mesh takes minutes; the call answers when the device runs the new version */
const UPDATE_TIMEOUT_MS = 60 * 60 * 1000;

/**
 * The API takes 4 MB, but one WebSocket frame is capped lower and an oversized frame drops the
 * connection: refuse here, with the size, what the frame cannot carry as base64.
 */
const MAX_FILE_BYTES = Math.min(
  MAX_FIRMWARE_BYTES,
  Math.floor((MAX_AUTHENTICATED_FRAME_BYTES - 4096) / 4) * 3,
);

const hex = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, '0')}`;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * Firmware update from a file the installer brings: pick the .ota file, see whether it fits the
 * device (maker, image type, newer version), then run it with a progress bar.
 */
export function FirmwareUpdate({ deviceId }: { deviceId: string }) {
  const session = useSessionObject();
  const [image, setImage] = useState<{ name: string; base64: string } | null>(null);
  const [tooBig, setTooBig] = useState<string | null>(null);
  const [check, setCheck] = useState<Check | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [done, setDone] = useState<string | null>(null);

  useEffect(
    () =>
      session.client.onEvent((e) => {
        if (e.type === 'firmware.progress' && e.deviceId === deviceId) setProgress(e.percent);
      }),
    [session, deviceId],
  );

  const runCheck = useAction(async (base64: string) => {
    setCheck(await session.call('device.firmware.check', { deviceId, image: base64 }));
  });
  const runUpdate = useAction(async () => {
    if (!image) return;
    setProgress(0);
    setDone(null);
    const r = await session.client.call(
      'device.firmware.update',
      { deviceId, image: image.base64 },
      { timeoutMs: UPDATE_TIMEOUT_MS },
    );
    setDone(r.swVersion ?? hex(r.newVersion, 8));
    setCheck(null);
  });

  const pick = async (ev: ChangeEvent<HTMLInputElement>) => {
    const file = ev.target.files?.[0];
    setCheck(null);
    setImage(null);
    setDone(null);
    setTooBig(null);
    runCheck.reset();
    runUpdate.reset();
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setTooBig(
        `${file.name} is ${Math.round(file.size / 1024)} KB; at most ${Math.floor(MAX_FILE_BYTES / 1024)} KB can be sent.`,
      );
      return;
    }
    const base64 = toBase64(new Uint8Array(await file.arrayBuffer()));
    setImage({ name: file.name, base64 });
    await runCheck.run(base64);
  };

  return (
    <div className="stack" data-testid="firmware">
      <h4>Firmware update</h4>
      <label>
        OTA file{' '}
        <input
          type="file"
          accept=".ota,.zigbee,.bin,application/octet-stream"
          onChange={(ev) => void pick(ev)}
          disabled={runUpdate.busy}
          data-testid="firmware-file"
        />
      </label>
      {tooBig ? <p className="error">{tooBig}</p> : null}
      <ErrorText error={runCheck.error} testId="firmware-check-error" />
      {check ? (
        <div data-testid="firmware-check">
          <p>
            {check.label || image?.name}: version {hex(check.currentVersion, 8)} → {hex(check.newVersion, 8)}{' '}
            <span className="muted small">
              (maker {hex(check.manufacturerCode, 4)}, image type {hex(check.imageType, 4)},{' '}
              {Math.round(check.size / 1024)} KB)
            </span>
          </p>
          <button type="button" onClick={() => void runUpdate.run()} disabled={runUpdate.busy}>
            {runUpdate.busy ? 'Updating…' : 'Update firmware'}
          </button>
        </div>
      ) : null}
      {progress !== null && (runUpdate.busy || done) ? (
        <progress max={100} value={progress} data-testid="firmware-progress">
          {progress}%
        </progress>
      ) : null}
      <ErrorText error={runUpdate.error} testId="firmware-error" />
      {done ? <p data-testid="firmware-done">Updated: the device now runs {done}.</p> : null}
    </div>
  );
}
