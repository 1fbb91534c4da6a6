/**
 * ParqEx docs, API Endpoints: `{"success": true, "timestamp": …, "data": {…}}` on success (the
 * timestamp is epoch milliseconds: our decision), `{"errors": [{"code", "message"}]}` on failure.
 */
export function envelope<T>(data: T, now: number): { success: true; timestamp: number; data: T } {
  return { success: true, timestamp: now, data };
}

export interface ApiErrorBody {
  errors: { code: string; message: string }[];
}

export function apiError(code: string, message: string): ApiErrorBody {
  return { errors: [{ code, message }] };
}

export const INTERNAL_ERROR_MESSAGE =
  'The server encountered an unexpected condition that prevented it from fulfilling the request.';
