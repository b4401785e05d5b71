/**
 * What the size check (scripts/size.ts) builds in place of src/share/deferred.ts to measure the core
 * alone: no source is ever shared, so tab sharing's seam, its option check and its lazy chunk are gone.
 */
import type { ResilientEventSourceOptions, UrlInput } from '../src/types';

export const deferShare = (_url: UrlInput, _options: ResilientEventSourceOptions): undefined => undefined;
