/**
 * [spec] Last-Event-ID is sent "encoded as UTF-8". Header values are byte strings (fetch and XHR
 * reject characters above U+00FF), hence one character per UTF-8 byte.
 */
export function utf8HeaderValue(value: string): string {
  let bytes = '';
  for (const byte of new TextEncoder().encode(value)) bytes += String.fromCharCode(byte);
  return bytes;
}
