import type { Registry } from 'prom-client';

/** One exported sample, in the shape prom-client's registry formats. */
interface MetricSample {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

interface ExportedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly values: MetricSample[];
  readonly aggregator: 'sum';
}

/**
 * Counters, gauges and histograms for the request path: plain numbers updated with no label
 * object hashed per call (prom-client does that on every `inc`/`observe`), turned into
 * prom-client's export format only when `/metrics` is scraped. Registered in a prom-client
 * `Registry`, so the exposition (and the process metrics next to them) is prom-client's.
 */
abstract class FastMetric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  readonly aggregator = 'sum' as const;

  abstract samples(): MetricSample[];

  /** prom-client's metric interface: what the registry serializes. */
  async get(): Promise<ExportedMetric> {
    return { name: this.name, help: this.help, type: this.type, values: this.samples(), aggregator: this.aggregator };
  }
}

/** A counter whose label values are given in `labelNames` order. */
export class FastCounter<L extends string> extends FastMetric {
  private readonly values = new Map<string, { labels: Record<string, string>; value: number }>();

  constructor(
    name: string,
    help: string,
    private readonly labelNames: readonly L[],
    registry: Registry,
  ) {
    super(name, help, 'counter', registry);
  }

  inc(labels: Readonly<Record<L, string>>, by = 1): void {
    this.child(labels).value += by;
  }

  /** The entry of one label set; callers on a hot path keep it and add to `value` directly. */
  child(labels: Readonly<Record<L, string>>): { value: number } {
    let key = '';
    for (const l of this.labelNames) key += `${labels[l]}\u0000`;
    let entry = this.values.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, value: 0 };
      this.values.set(key, entry);
    }
    return entry;
  }

  samples(): MetricSample[] {
    return [...this.values.values()].map((e) => ({ labels: e.labels, value: e.value }));
  }
}

/** A gauge without labels, set directly or read from a function at scrape time. */
export class FastGauge extends FastMetric {
  private value = 0;

  constructor(name: string, help: string, registry: Registry, private readonly read?: () => number) {
    super(name, help, 'gauge', registry);
  }

  inc(): void {
    this.value++;
  }

  dec(): void {
    this.value--;
  }

  samples(): MetricSample[] {
    return [{ labels: {}, value: this.read ? this.read() : this.value }];
  }
}

/** One label set of a {@link FastHistogram}: cumulative counts are computed at scrape time. */
export class HistogramChild {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) {
      if (value <= b[i]) {
        this.counts[i]++;
        return;
      }
    }
  }
}

export class FastHistogram extends FastMetric {
  private readonly children: HistogramChild[] = [];

  constructor(
    name: string,
    help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    super(name, help, 'histogram', registry);
  }

  /** The child for one label set; callers keep it, so no label lookup happens per observation. */
  child(labels: Readonly<Record<string, string>>): HistogramChild {
    const c = new HistogramChild(labels, this.bounds);
    this.children.push(c);
    return c;
  }

  samples(): MetricSample[] {
    const out: MetricSample[] = [];
    for (const c of this.children) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += c.counts[i];
        out.push({ labels: { ...c.labels, le }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      out.push({ labels: { ...c.labels, le: '+Inf' }, value: c.count, metricName: `${this.name}_bucket` });
      out.push({ labels: c.labels, value: c.sum, metricName: `${this.name}_sum` });
      out.push({ labels: c.labels, value: c.count, metricName: `${this.name}_count` });
    }
    return out;
  }
}
