/**
 * The shapes of the identifiers every layer checks, one definition each
 * (event contract, CSV import, API parameters, ClickHouse literals).
 */

/** Organization, municipality, user, chat and call ids: 1 to 128 of [A-Za-z0-9._:-]. */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** A federal subject's code: two digits ("54"). */
export const REGION_CODE_PATTERN = /^\d{2}$/;

/** An ISO week as the API writes it ("2026-W47"); the year and week number are captured. */
export const ISO_WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

/** A calendar date ("2023-03-17"); the parts are captured. Whether the day exists is checked apart. */
export const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
