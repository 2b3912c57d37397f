// cancuoc.js — the browser client of cancuocd (docs/integration.md § Browser HIS).
// One ES module, no dependencies, no build step. Served by the daemon at
// http://127.0.0.1:28710/cancuoc.js; the same file is clients/js/cancuoc.js in the source.
//
//   import { connect } from "http://127.0.0.1:28710/cancuoc.js";
//   const cancuoc = await connect();                    // ws://127.0.0.1:28710/api
//   const record = await cancuoc.read({ id: "001090537057" }, {
//     waitForCardSeconds: 60,
//     onIdentity: (identity) => startInsuranceLookup(identity.person.idNumber),  // before the face
//   });
//
// Methods, params, results, events and error codes are those of docs/api.md: this module only
// carries them over a WebSocket (one JSON-RPC message per text frame).

export const DEFAULT_URL = "ws://127.0.0.1:28710/api";

/** An error answered by the daemon, or the connection failing. `reason` is stable (docs/api.md
 *  § Errors), `messageVi` is for reception staff, `code` is the JSON-RPC code. */
export class CancuocError extends Error {
  constructor(code, message, data = {}) {
    super(message);
    this.name = "CancuocError";
    this.code = code;
    this.reason = data.reason ?? "unknown";
    this.messageVi = data.messageVi ?? message;
    this.data = data;
  }
}

/** The daemon could not be reached, or the connection closed while waiting for an answer. */
export class ConnectionError extends CancuocError {
  constructor(message, messageVi, closeCode = null) {
    super(-1, message, { reason: "connectionLost", messageVi });
    this.name = "ConnectionError";
    this.closeCode = closeCode;
  }
}

/** Whether the daemon asked to send the request again on a new connection: it was stopping
 *  (an update or a restart; docs/api.md § Errors, -32000 with `stopping: true`). */
export function isRetryable(error) {
  return error instanceof CancuocError && error.code === -32000 && error.data?.stopping === true;
}

/** Open a connection and say hello. Options: `url`, `reconnect` (default true: reconnect with
 *  back-off — 0.5 s doubling to 10 s — when the daemon restarts, and subscribe again),
 *  `WebSocket` (for tests). Resolves to a `Cancuoc`; rejects with ConnectionError. */
export async function connect(options = {}) {
  const client = new Cancuoc(options);
  try {
    await client.open();
  } catch (error) {
    client.close();  // the caller never gets this client: it must not go on reconnecting
    throw error;
  }
  return client;
}

/** One connection to cancuocd. An EventTarget: listen for the daemon's events by method name
 *  (`card.inserted`, `card.removed`, `read.completed`, …; `event.detail` is the params) and for
 *  `open`, `close` and `reconnecting` about the connection itself. `for await (const e of
 *  client.events())` gives the same events as `{method, params}`. */
export class Cancuoc extends EventTarget {
  constructor({ url = DEFAULT_URL, reconnect = true, WebSocket: WS = globalThis.WebSocket } = {}) {
    super();
    this.url = url;
    this.reconnect = reconnect;
    this.hello = null;
    this._WS = WS;
    this._ws = null;
    this._nextId = 1;
    this._pending = new Map();
    this._subscription = null;
    this._closedByUser = false;
    this._delay = 500;
    this._timer = null;
    this._refusal = null;
  }

  /** Connect (again) and send `hello`; resolves with its result. */
  async open() {
    await new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new this._WS(this.url);
      } catch (error) {
        reject(new ConnectionError(`cannot open ${this.url}: ${error.message}`, "Không kết nối được dịch vụ đọc thẻ"));
        return;
      }
      this._ws = ws;
      let opened = false;
      ws.onopen = () => { opened = true; resolve(); };
      ws.onmessage = (message) => this._receive(message.data);
      ws.onclose = (event) => {
        if (!opened) {
          reject(new ConnectionError(
            `cannot connect to ${this.url} (is cancuocd running, and is this page's origin allowed?)`,
            "Không kết nối được dịch vụ đọc thẻ (dịch vụ chưa chạy hoặc trang này chưa được cho phép)", event.code));
        }
        this._closed(event.code, opened);
      };
      ws.onerror = () => {};
    });
    this.hello = await this.call("hello");
    this._delay = 500;  // only a connection that answered resets the back-off
    if (this._subscription) await this.call("events.subscribe", this._subscription);
    this.dispatchEvent(new CustomEvent("open", { detail: this.hello }));
    return this.hello;
  }

  /** Any method of docs/api.md; resolves to its result, rejects with CancuocError. */
  call(method, params = {}) {
    const ws = this._ws;
    if (!ws || ws.readyState !== 1) {
      return Promise.reject(new ConnectionError("not connected to cancuocd", "Chưa kết nối dịch vụ đọc thẻ"));
    }
    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      this._pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  /** `readers.list`: `{readers, pcscAvailable}`. */
  readers() { return this.call("readers.list"); }

  /** Receive events from now on (kept across reconnections). `records: true` only works for an
   *  origin listed in the daemon's `web.recordsOrigins`. */
  async subscribe({ records = false } = {}) {
    const result = await this.call("events.subscribe", { records });
    this._subscription = { records };
    return result;
  }

  /** `card.read`: `key` is `{id}`, `{can}`, `{qr}`, `{mrz}` or the BAC fields; options are
   *  `reader`, `waitForCardSeconds`, `includeFace`, `skipFace` (do not read the face at all),
   *  and `onIdentity(record)`: called with the verified identity before the face is read (the
   *  `read.identity` event; `record.face` is null, `record.faceStatus` "pending") — start the
   *  insurance lookup there. Resolves to the full citizen record. With several reads at once
   *  on one connection, listen to `read.identity` and tell them apart by `reader`.
   *  A read the daemon refuses because it is stopping (an update) is sent once more after the
   *  client has reconnected (with `reconnect`; a `retrying` event says so). */
  async read(key, { onIdentity, ...options } = {}) {
    const send = () => this.call("card.read", { ...options, key });
    if (!onIdentity) return this._retryingOnce(send);
    const listener = (event) => onIdentity(event.detail.record, event.detail);
    this.addEventListener("read.identity", listener);
    try {
      return await this._retryingOnce(send);
    } finally {
      this.removeEventListener("read.identity", listener);
    }
  }

  /** `send()`, and once more on the next connection when the daemon answered that it is
   *  stopping: it closes this connection once its running requests have answered, the client
   *  reconnects (to the new daemon: the socket stays open meanwhile) and the request goes again. */
  async _retryingOnce(send, timeoutMs = 30000) {
    try {
      return await send();
    } catch (error) {
      if (!isRetryable(error) || !this.reconnect || this._closedByUser) throw error;
      this.dispatchEvent(new CustomEvent("retrying", { detail: { error } }));
      await this._reopened(timeoutMs, error);
      return await send();
    }
  }

  /** Resolves at the next `open` (a reconnection), rejects with `error` after `timeoutMs`. */
  _reopened(timeoutMs, error) {
    return new Promise((resolve, reject) => {
      const onOpen = () => { clearTimeout(timer); resolve(); };
      const timer = setTimeout(() => { this.removeEventListener("open", onOpen); reject(error); }, timeoutMs);
      this.addEventListener("open", onOpen, { once: true });
    });
  }

  /** `face.check` (docs/face-check.md, docs/api.md): the patient's live face against the chip
   *  portrait of this connection's last `read(key, {faceCheck: true})`. Ask the patient first:
   *  without `consent: true` nothing is captured or sent and the answer is `declined`. Give
   *  `frames` (base64 JPEG strings) or a playing `video` element (a camera preview): `count`
   *  frames are taken `intervalMs` apart, each as large as fits in one message of
   *  `maxMessageBytes` (the daemon's `maxLineLength`). Resolves to the `faceCheck` result
   *  (`decision`, `distance`, `checks`, `messageVi`…). Frames stay in memory; none is kept. */
  async faceCheck({ consent = false, frames, video, count = 3, intervalMs = 300, maxMessageBytes = 65536 } = {}) {
    if (consent !== true) return this.call("face.check", { consent: false });
    if (!frames && video) frames = await captureFrames(video, count, intervalMs, maxMessageBytes);
    return this.call("face.check", { consent: true, frames: frames ?? [] });
  }

  /** The events as an async iterator of `{method, params}`, ending when the client closes.
   *  Leaving the loop (`break`, `return`, an exception) ends the iterator and removes its
   *  listeners: iterate as often as you like. */
  events() {
    const queue = [];
    const waiting = [];
    let done = false;
    const onEvent = ({ detail: event }) => {
      const item = { value: { method: event.type, params: event.detail }, done: false };
      if (waiting.length) waiting.shift()(item); else queue.push(item);
    };
    const end = () => {
      if (done) return;
      done = true;
      this.removeEventListener("cancuoc-event", onEvent);
      this.removeEventListener("end", end);
      while (waiting.length) waiting.shift()({ value: undefined, done: true });
    };
    this.addEventListener("cancuoc-event", onEvent);
    this.addEventListener("end", end);
    return {
      [Symbol.asyncIterator]() { return this; },
      next: () => {
        if (queue.length) return Promise.resolve(queue.shift());  // events before the close still come
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return: () => {
        queue.length = 0;  // the loop was left: nothing more for it
        end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /** Close for good (no reconnection). */
  close() {
    this._closedByUser = true;
    clearTimeout(this._timer);
    this._timer = null;
    this._ws?.close(1000);
    this.dispatchEvent(new Event("end"));
  }

  _receive(text) {
    let message;
    try { message = JSON.parse(text); } catch { return; }
    if (message.id !== undefined && message.id !== null && this._pending.has(message.id)) {
      const { resolve, reject } = this._pending.get(message.id);
      this._pending.delete(message.id);
      if (message.error) reject(new CancuocError(message.error.code, message.error.message, message.error.data ?? {}));
      else resolve(message.result);
    } else if (message.method) {
      const event = new CustomEvent(message.method, { detail: message.params ?? {} });
      this.dispatchEvent(event);
      this.dispatchEvent(new CustomEvent("cancuoc-event", { detail: event }));
    } else if (message.error) {
      // Not an answer: why the daemon is about to close (serverBusy: too many connections, or
      // a message too long or not completed in time).
      this._refusal = new CancuocError(message.error.code, message.error.message, message.error.data ?? {});
      this.dispatchEvent(new CustomEvent("error", { detail: this._refusal }));
    }
  }

  _closed(code, wasOpen) {
    const refusal = this._refusal;
    this._refusal = null;
    for (const { reject } of this._pending.values()) {
      reject(refusal ?? new ConnectionError("the connection to cancuocd closed", "Mất kết nối với dịch vụ đọc thẻ", code));
    }
    this._pending.clear();
    if (wasOpen) this.dispatchEvent(new CustomEvent("close", { detail: { code } }));
    if (!wasOpen || this._closedByUser || !this.reconnect) return;
    this._scheduleReconnect();
  }

  _scheduleReconnect() {
    if (this._timer !== null) return;  // one attempt at a time (a failed attempt reports twice)
    const delay = this._delay;
    this._delay = Math.min(this._delay * 2, 10000);
    this.dispatchEvent(new CustomEvent("reconnecting", { detail: { delayMs: delay } }));
    this._timer = setTimeout(() => {
      this._timer = null;
      this.open().catch(() => { if (!this._closedByUser) this._scheduleReconnect(); });
    }, delay);
  }
}

/** `count` JPEG frames (base64) from a playing video element, `intervalMs` apart, each small
 *  enough that all of them fit in one message of `maxMessageBytes` (the daemon's
 *  `maxLineLength`, 64 KiB by default): 640×480 at the best JPEG quality that fits, else
 *  480×360. */
async function captureFrames(video, count, intervalMs, maxMessageBytes) {
  const budget = Math.floor((maxMessageBytes - 512) / count);
  const width = video.videoWidth || 640;
  const height = video.videoHeight || 480;
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d");
  const frames = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    let frame = null;
    for (const side of [640, 480]) {
      const scale = Math.min(1, side / width, (side * 3) / 4 / height);
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      for (const quality of [0.85, 0.75, 0.65, 0.55, 0.45, 0.35]) {
        const data = canvas.toDataURL("image/jpeg", quality).split(",")[1];
        if (data.length <= budget) { frame = data; break; }
      }
      if (frame) break;
    }
    if (!frame) throw new CancuocError(-32602, "a camera frame does not fit in one message",
      { messageVi: "Ảnh chụp từ camera quá lớn để gửi: hãy tăng maxLineLength của dịch vụ đọc thẻ." });
    frames.push(frame);
  }
  context.clearRect(0, 0, canvas.width, canvas.height);
  return frames;
}
