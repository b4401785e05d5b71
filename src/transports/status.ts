/** Status policy shared by every transport that can see HTTP statuses. */

/** 204 and 4xx other than 408/429 cannot succeed by retrying; 5xx, 408 and 429 can. */
export function isFatalStatus(status: number): boolean {
  // [spec] "If res's status is 204 ... fail the connection" — our extension: 4xx likewise, as
  // retrying an unauthorised or missing stream cannot succeed; 408/429 are explicitly temporary.
  if (status === 204) return true;
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}
