/**
 * Glue from eventsource-parser to a TransportSink. Transports that receive
 * SSE text (fetch, WebSocket) decode it and feed it here; one feeder per
 * connection, because a new connection starts a new stream.
 */
import { createParser } from 'eventsource-parser';
import type { TransportSink, WireEvent } from './transport';

export interface SseFeeder {
  /** Parse one decoded chunk of the stream. Every call, even with '', counts as activity. */
  feed(text: string): void;
  /** Report nothing more, even from the rest of a chunk being parsed right now. */
  stop(): void;
}

const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

/** Rethrow an error from the owner's sink later, so one bad handler cannot break parsing. */
function reportLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

export function createSseFeeder(sink: TransportSink): SseFeeder {
  let stopped = false;
  // No text seen yet, so a leading BOM is still possible.
  let atStart = true;
  // The previous chunk ended in CR; an LF opening this chunk belongs to that CRLF.
  let skipLf = false;

  const parser = createParser({
    onEvent(message) {
      if (stopped) return;
      // [spec] "Initialize event's type attribute to "message" ... If the event type buffer
      // has a value other than the empty string, change the type ... to equal the event type buffer."
      // The parser reports an empty or missing `event:` as undefined.
      const event: WireEvent = {
        type: message.event === undefined ? 'message' : message.event,
        data: message.data,
        id: message.id,
      };
      try {
        sink.event(event);
      } catch (error) {
        // A throw here would leave the parser mid-chunk with the rest of the chunk lost.
        reportLater(error);
      }
    },
    onRetry(ms) {
      // [spec] "If the field value consists of only ASCII digits, then interpret the field value
      // as an integer in base ten, and set the event stream's reconnection time to that integer."
      // The parser already checked the digits; hundreds of them overflow to Infinity, which no timer can use.
      if (stopped || !Number.isFinite(ms)) return;
      try {
        sink.retry(ms);
      } catch (error) {
        reportLater(error);
      }
    },
    // No onError: [spec] invalid retry "Otherwise, ignore the field." / unknown field "The field is ignored."
    // No onComment: the chunk holding a comment already counted as activity, and leaving the
    // callback out spares the parser a string slice per comment.
  });
  // The parser's own BOM check looks at the first feed for the UTF-8 BOM *bytes* read as three
  // characters ("ï»¿") and would eat real text; an empty first feed disarms it. The BOM of a
  // decoded stream is U+FEFF, which feed() strips itself.
  parser.feed('');

  return {
    feed(text: string): void {
      if (stopped) return;
      // Once per chunk, before its events: cheap, and covers every comment the chunk holds.
      sink.activity();
      if (stopped || text === '') return;
      if (skipLf) {
        skipLf = false;
        if (text.charCodeAt(0) === LF) {
          text = text.slice(1);
          if (text === '') return;
        }
      }
      if (atStart) {
        atStart = false;
        // [spec] "One leading U+FEFF BYTE ORDER MARK character must be ignored if any are present."
        if (text.charCodeAt(0) === BOM) {
          text = text.slice(1);
          if (text === '') return;
        }
      }
      // [spec] "Lines must be separated by either a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF)
      // character pair, a single U+000A LINE FEED (LF) character, or a single U+000D CARRIAGE RETURN (CR) character."
      // The parser holds back a chunk-final CR until it sees whether an LF follows, which would delay
      // the last event of a CR-only stream until more bytes come. CR and CRLF both end one line, so
      // complete the pair now and drop the LF if the next chunk starts with it.
      if (text.charCodeAt(text.length - 1) === CR) {
        text += '\n';
        skipLf = true;
      }
      parser.feed(text);
    },
    stop(): void {
      stopped = true;
    },
  };
}
