/** Size of the echo upstream's `GET /big` body and of the bench's streamed POST bodies: 1 MiB. */
export const BIG_BYTES = 1024 * 1024;
