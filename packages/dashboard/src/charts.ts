/**
 * Charts with TradingView's lightweight-charts: an instrument's candles with the account's own fills
 * marked, and the account's intraday P&L curve. Times are shown in IST (the chart library draws UTC, so
 * every time is shifted by +05:30).
 */
import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  LineSeries,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';

const IST_SEC = 19_800;

/** Chart time (seconds, shifted to IST) of an epoch in ms. */
export const chartTime = (ms: number): UTCTimestamp => (Math.floor(ms / 1000) + IST_SEC) as UTCTimestamp;

/** A fill to mark on the candles. */
export interface FillMark {
  timeMs: number;
  side: 'BUY' | 'SELL';
  qty: number;
  price: number;
}

/** One candle of getCandleData: `[time ISO, open, high, low, close, volume]`. */
export type CandleRow = [string, number, number, number, number, number];

const options = {
  autoSize: true,
  layout: { background: { color: 'transparent' }, textColor: '#cbd5e1' },
  grid: { vertLines: { color: '#1f2937' }, horzLines: { color: '#1f2937' } },
  timeScale: { timeVisible: true, secondsVisible: false },
} as const;

/** The candle chart of one instrument. */
export class CandleChart {
  readonly chart: IChartApi;
  private readonly series: ISeriesApi<'Candlestick'>;
  private readonly markers: ISeriesMarkersPluginApi<Time>;

  constructor(el: HTMLElement) {
    this.chart = createChart(el, options);
    this.series = this.chart.addSeries(CandlestickSeries, {
      upColor: '#22c55e',
      downColor: '#ef4444',
      wickUpColor: '#22c55e',
      wickDownColor: '#ef4444',
      borderVisible: false,
    });
    this.markers = createSeriesMarkers(this.series, []);
  }

  set(candles: CandleRow[], fills: FillMark[]): void {
    const bars = candles.map(([t, open, high, low, close]) => ({
      time: chartTime(Date.parse(t)),
      open,
      high,
      low,
      close,
    }));
    this.series.setData(bars);
    const marks: SeriesMarker<Time>[] = fills
      .map((f) => ({
        time: (Math.floor(chartTime(f.timeMs) / 60) * 60) as UTCTimestamp,
        position: f.side === 'BUY' ? ('belowBar' as const) : ('aboveBar' as const),
        color: f.side === 'BUY' ? '#38bdf8' : '#f97316',
        shape: f.side === 'BUY' ? ('arrowUp' as const) : ('arrowDown' as const),
        text: `${f.side} ${f.qty} @ ${f.price}`,
      }))
      .sort((a, b) => a.time - b.time);
    this.markers.setMarkers(marks);
    this.chart.timeScale().fitContent();
  }

  remove(): void {
    this.chart.remove();
  }
}

/** The account's P&L over market time (sampled by the dashboard while it is open). */
export class PnlChart {
  readonly chart: IChartApi;
  private readonly series: ISeriesApi<'Line'>;

  constructor(el: HTMLElement) {
    this.chart = createChart(el, options);
    this.series = this.chart.addSeries(LineSeries, { color: '#a78bfa', lineWidth: 2 });
  }

  set(points: { timeMs: number; pnl: number }[]): void {
    this.series.setData(points.map((p) => ({ time: chartTime(p.timeMs), value: p.pnl })));
    this.chart.timeScale().fitContent();
  }

  remove(): void {
    this.chart.remove();
  }
}

/** Appends a sample to a P&L curve: one point per market second, strictly increasing in time. */
export function addPnlSample(curve: { timeMs: number; pnl: number }[], timeMs: number, pnl: number): void {
  const sec = Math.floor(timeMs / 1000) * 1000;
  const last = curve[curve.length - 1];
  if (last && sec < last.timeMs) return;
  if (last && sec === last.timeMs) last.pnl = pnl;
  else curve.push({ timeMs: sec, pnl });
  if (curve.length > 20_000) curve.splice(0, curve.length - 20_000);
}
