/** The longest key a client may send (the draft sets none; a bound keeps a key from costing kilobytes per row). */
export const KEY_MAX_LENGTH = 255;

/** How long a key holds its answer (the IETF draft leaves it to the server; 24 hours, as common APIs keep them). */
export const KEY_LIFETIME_HOURS = 24;

/** How many expired keys one keyed write deletes, at most: each write adds one, so the table cannot outgrow the day's writes. */
export const SWEEP_BATCH = 100;
