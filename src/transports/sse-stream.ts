/**
 * Glue from eventsource-parser to a TransportSink, and the stop-once logic of the transports that
 * receive SSE text (fetch, WebSocket): they decode it and feed it here. One feeder per connection,
 * because a new connection starts a new stream.
 */
import { createParser } from 'eventsource-parser';
import { rethrowLater } from '../errors';
import type { TransportFailure, TransportSink } from './transport';

/** A streaming UTF-8 decoder. ignoreBOM: the feeder strips the one leading BOM, the same way for every transport. */
export const utf8Decoder = (): TextDecoder => new TextDecoder('utf-8', { ignoreBOM: true });

/** `onStop` releases the connection; it runs once, on the first `stop()` or `fail()`. */
export function createSseFeeder(sink: TransportSink, onStop = (): void => {}) {
  let stopped = false;
  // No text seen yet, so a leading BOM is still possible.
  let atStart = true;
  // The previous chunk ended in CR; an LF opening this chunk belongs to that CRLF.
  let skipLf = false;

  // A throw from the owner's sink would leave the parser mid-chunk with the rest of the chunk lost.
  const report = (call: () => void): void => {
    if (stopped) return;
    try {
      call();
    } catch (error) {
      rethrowLater(error);
    }
  };
  const parser = createParser({
    // [spec] the type is "message" unless the event type buffer is not empty; the parser reports
    // an empty or missing `event:` as undefined.
    onEvent({ event, data, id }) {
      // Inline rather than through report(): no closure per event on the hot path.
      if (stopped) return;
      try {
        sink.event({ type: event ?? 'message', data, id });
      } catch (error) {
        rethrowLater(error);
      }
    },
    // [spec] retry: "If the field value consists of only ASCII digits ... set the event stream's reconnection time".
    // The parser already checked the digits; hundreds of them overflow to Infinity, which no timer can use.
    onRetry: (ms) => Number.isFinite(ms) && report(() => sink.retry(ms)),
    // No onError: [spec] invalid retry "Otherwise, ignore the field." / unknown field "The field is ignored."
    // No onComment: the chunk holding a comment already counted as activity.
  });
  // The parser's own BOM check looks at the first feed for the UTF-8 BOM *bytes* read as three
  // characters ("ï»¿") and would eat real text; an empty first feed disarms it. The BOM of a
  // decoded stream is U+FEFF, which feed() strips itself.
  parser.feed('');

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    onStop();
  };

  return {
    /** Parse one decoded chunk of the stream. Every call, even with '', counts as activity. */
    feed(text: string): void {
      if (stopped) return;
      // Once per chunk, before its events: cheap, and covers every comment the chunk holds.
      sink.activity();
      if (stopped || !text) return;
      if (skipLf) {
        skipLf = false;
        if (text[0] === '\n') text = text.slice(1);
      } else if (atStart) {
        atStart = false;
        // [spec] "One leading U+FEFF BYTE ORDER MARK character must be ignored if any are present."
        if (text[0] === '\uFEFF') text = text.slice(1);
      }
      // [spec] Lines end in CRLF, LF or CR. The parser holds back a chunk-final CR until it sees whether
      // an LF follows, which would delay the last event of a CR-only stream until more bytes come.
      // CR and CRLF both end one line, so complete the pair now and drop the LF if the next chunk starts with it.
      if (text.endsWith('\r')) {
        text += '\n';
        skipLf = true;
      }
      parser.feed(text);
    },
    /** Report nothing more, even from the rest of a chunk being parsed right now. */
    stop,
    /** Stop, then report `failure`; once stopped, nothing is reported. */
    fail(failure: TransportFailure): void {
      if (stopped) return;
      stop();
      sink.fail(failure);
    },
    get stopped(): boolean {
      return stopped;
    },
  };
}
