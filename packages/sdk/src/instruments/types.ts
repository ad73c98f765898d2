/**
 * Public types of the instrument master (docs/protocol/scrip-master.md).
 */
import type { Exchange, ExchangeType } from '@smartapi-ts/protocol';

/**
 * What an instrument is, derived from the scrip master's `instrumenttype`:
 * `EQ` cash (`""`), `INDEX` (`AMXIDX`/`INDEX`), `FUT` (`FUT*`), `OPT` (`OPT*`), `OTHER` (anything else).
 */
export type InstrumentKind = 'EQ' | 'INDEX' | 'FUT' | 'OPT' | 'OTHER';

/** Option right. */
export type OptionType = 'CE' | 'PE';

/**
 * One scrip-master row as typed values. Instances are created once per row and cached, so the same row
 * always yields the same object; treat it as immutable.
 */
export interface Instrument {
  /** Instrument token (`symboltoken` in REST, `tokens[]` on the market feed). Unique per exchange only. */
  readonly token: string;
  /** Trading symbol (`tradingsymbol` in REST): `SBIN-EQ`, `NIFTY28MAR24FUT`, `NIFTY07MAR2422500CE`. */
  readonly symbol: string;
  /** Underlying / company short name (`SBIN`, `NIFTY`). */
  readonly name: string;
  /** REST exchange (`exch_seg`). */
  readonly exchange: Exchange;
  /** Market-feed `exchangeType` code of the exchange. */
  readonly exchangeType: ExchangeType;
  /** The raw `instrumenttype` (`""`, `AMXIDX`, `OPTIDX`, …). */
  readonly instrumentType: string;
  /** Kind derived from `instrumenttype`. */
  readonly kind: InstrumentKind;
  /** Cash series (`EQ`, `BE`, …) of an NSE-style `NAME-SERIES` symbol, else `null`. */
  readonly series: string | null;
  /** Expiry day as a Date at 00:00 IST, or `null` for non-derivatives. */
  readonly expiry: Date | null;
  /** Expiry as the venue writes it (`28MAR2024`), or `''`. */
  readonly expiryText: string;
  /** Strike in rupees (the master's ×100 value ÷ 100), or `null` when not an option. */
  readonly strike: number | null;
  /** `CE`/`PE` for options, else `null`. */
  readonly optionType: OptionType | null;
  /** Lot size in units (order quantities are multiples of it). */
  readonly lotSize: number;
  /** Tick size in rupees (the master's paise value ÷ 100; `0` when the master says 0, e.g. indices). */
  readonly tickSize: number;
  /** Tick size in paise, as the master encodes it. */
  readonly tickSizePaise: number;
}

/** Parsed form of a venue trading symbol (see {@link parseSymbol}). */
export type ParsedSymbol =
  | { readonly kind: 'EQ'; readonly name: string; readonly series: string }
  | { readonly kind: 'FUT'; readonly name: string; readonly expiry: Date; readonly expiryText: string }
  | {
      readonly kind: 'OPT';
      readonly name: string;
      readonly expiry: Date;
      readonly expiryText: string;
      readonly strike: number;
      readonly optionType: OptionType;
    };

/** Input of {@link buildSymbol}. `expiry` is a Date (its IST day is used), `DDMMMYYYY` or `YYYY-MM-DD`. */
export type SymbolSpec =
  | { kind: 'EQ'; name: string; series?: string }
  | { kind: 'FUT'; name: string; expiry: Date | string }
  | { kind: 'OPT'; name: string; expiry: Date | string; strike: number; optionType: OptionType };

/** Progress of a scrip-master download. */
export interface DownloadProgress {
  /** Bytes of body received so far. */
  received: number;
  /** Total body bytes when the server said (`content-length` of an unencoded body), else `null`. */
  total: number | null;
}

/** Where the instruments of an index came from. */
export interface InstrumentsSource {
  /**
   * `network`: downloaded now; `not-modified`: the server answered 304 and the cache was reused;
   * `cache`: the cache was fresh, no request made; `fallback`: the download failed and the last good
   * copy was used; `rows`/`file`: built offline with {@link Instruments.fromRows}/{@link Instruments.fromFile}.
   */
  kind: 'network' | 'not-modified' | 'cache' | 'fallback' | 'rows' | 'file';
  /** Download URL, when loaded through {@link Instruments.load}. */
  url?: string;
  /** When the data was last fetched or confirmed by the server. */
  fetchedAt?: Date;
  /** The cache file used or written. */
  cacheFile?: string;
}

/** Receives warnings (e.g. a failed refresh that fell back to the cache). */
export interface InstrumentsLogger {
  warn(message: string): void;
}
