"""``commsim-report <sweep dir> [--objective COL] [--baseline LABEL] [--out DIR]``: compare the strategies of a sweep.

Writes into ``--out`` (default: the sweep directory) a self-contained ``report.html`` (figures embedded
as base64 PNG, no external assets), ``report.md`` (the same content; figures linked from
``figures/``) and ``figures/*.png``: the question the runs ask, the strategies, the verdict table
(rank, mean with its 95 % interval, difference vs the baseline with its interval, share of seeds won,
within-noise flag), the figures and the failure risks per strategy. Definitions: analysis/stats.py.

Bad input (a missing directory, no sweep.parquet, an unknown objective or baseline) stops with one
line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import figures
from .stats import N_BOOT, SEED, best_strategy, describe, higher_is_better, objective_values, verdict_table
from .sweep import (
    SweepError,
    done,
    failure_columns,
    fixed_settings,
    fmt_value,
    load_sweep,
    short_names,
    strategies,
    strategy_columns,
)

PROG = "commsim-report"
DEFAULT_OBJECTIVE = "active_members_final"
MAX_CURVES = 8


@dataclass
class Report:
    """What :func:`build_report` wrote and found."""

    html: Path
    markdown: Path
    figures: dict[str, Path]
    table: pd.DataFrame
    verdict: str
    baseline: str
    objective: str
    questions: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------ pieces
def questions(df: pd.DataFrame) -> list[str]:
    """The scenario questions of the runs (summary.json ``scenario.question``), one per scenario."""
    seen: dict[str, str] = {}
    for _, row in done(df).iterrows():
        name = str(row.get("scenario", ""))
        if name in seen:
            continue
        try:
            summary = json.loads((Path(row["run_dir"]) / "summary.json").read_text())
        except (OSError, ValueError):
            continue
        scenario = summary.get("scenario") or {}
        q = scenario.get("question") or ""
        seen[name] = f"{q} (scenario {scenario.get('name', name)})" if q else f"(scenario {name}: no question stated)"
    return list(seen.values())


def resolve_baseline(df: pd.DataFrame, text: str | None) -> str | None:
    """A strategy label from ``--baseline``: the exact label, or ``key=value`` parts in any order, with
    short or full keys (``slot=night,amount_yuan=10``). Raises SweepError if none or several match."""
    if text is None:
        return None
    labels = strategies(df)
    if text in labels:
        return text
    cols = strategy_columns(df)
    names = short_names(cols)
    wanted = {}
    for part in re.split(r",\s*(?![^\[]*\])", text.strip()):  # commas, but not those inside [a,b]
        key, eq, value = part.partition("=")
        key = key.strip()
        col = next((c for c in cols if key in (c, names[c])), None)
        if not eq or col is None:
            wanted = None
            break
        wanted[col] = value.strip()
    matches = []
    if wanted:
        first = df.drop_duplicates("strategy")
        for _, row in first.iterrows():
            if all(_same(row[c], v) for c, v in wanted.items()):
                matches.append(row["strategy"])
    if len(matches) == 1:
        return matches[0]
    how = "matches several strategies" if matches else "is not a strategy"
    raise SweepError(f"baseline {text!r} {how}; strategies: {'; '.join(labels)}")


def _same(value, text: str) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return text in ("", "-", "null", "None")
    if str(value) == text or fmt_value(value) == text.replace(" ", ""):
        return True
    try:
        return float(value) == float(text)
    except (TypeError, ValueError):
        return False


def _num(v: float) -> str:
    """Three significant figures, thousands with separators: 118.33 -> 118, 0.5 -> 0.5, 1104.9 -> 1,105."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    text = f"{v:.3g}"
    return "0" if text in ("0", "-0") else text


def _runs(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"


def _pct(share: float) -> str:
    return f"{share * 100:.0f} %"


def _interval(lo: float, hi: float) -> str:
    return "no interval" if np.isnan(lo) or np.isnan(hi) else f"{_num(lo)} to {_num(hi)}"


def _signed(v: float) -> str:
    return "-" if np.isnan(v) else ("+" if v > 0 else "") + _num(v)


def table_rows(table: pd.DataFrame) -> list[dict[str, str]]:
    """The verdict table as display strings (one dict per strategy, best first)."""
    rows = []
    for s, r in table.iterrows():
        if np.isnan(r["rank"]):
            rank = "-"
        elif r["rank"] != 1 and r["within_noise_of_best"]:
            rank = f"{int(r['rank'])} (tie with 1 within noise)"
        else:
            rank = str(int(r["rank"]))
        if r["n"] == 0:
            d, won, noise = "-", "-", "-"
        elif r["baseline"]:
            d, won, noise = "baseline", "baseline", "-"
        else:
            d = f"{_signed(r['diff'])} ({_interval(r['diff_low'], r['diff_high'])})"
            if not r["paired"]:
                d += ", unpaired"
            n = int(r["n_pairs"])
            won = "-" if np.isnan(r["share_won"]) else f"{round(r['share_won'] * n)}/{n} ({_pct(r['share_won'])})"
            if not np.isnan(r["share_tied"]) and r["share_tied"] > 0:
                won += f", {round(r['share_tied'] * n)} tied"
            noise = "yes" if r["within_noise"] else "no"
        rows.append({"Rank": rank, "Strategy": str(s), "Runs": str(int(r["n"])),
                     "Mean (95 % interval)": (f"{_num(r['mean'])} ({_interval(r['ci_low'], r['ci_high'])})"
                                              if r["n"] else "no complete run"),
                     "Difference vs baseline (95 % interval)": d, "Seeds won vs baseline": won,
                     "Within noise of baseline": noise})
    return rows


def verdict_sentence(table: pd.DataFrame, objective: str, baseline: str) -> str:
    ranked = table[table["rank"].notna()]
    if ranked.empty:
        return f"No complete run has a value of {objective}."
    best = ranked.index[0]
    r = ranked.iloc[0]
    what = describe(objective)
    ci = (f"95 % interval {_interval(r['ci_low'], r['ci_high'])}" if not np.isnan(r["ci_low"])
          else f"{int(r['n'])} run, no interval")
    text = f"Best by {what}: {best}, mean {_num(r['mean'])} ({ci})."
    ties = [s for s in ranked.index[1:] if ranked.loc[s, "within_noise_of_best"]]
    if len(ranked) == 1:
        return text + " (Only one strategy has complete runs: nothing to compare.)"
    if len(ties) == len(ranked) - 1:
        text += " No other strategy is distinguishable from it beyond noise: this sweep cannot separate them"
        text += "." if r["ci_low"] == r["ci_high"] else " (more replicates narrow the intervals)."
    elif ties:
        text += f" Not distinguishable from it within noise: {'; '.join(ties)}."
    else:
        text += " Every other strategy is worse beyond noise."
    if baseline != best:
        b = table.loc[baseline]
        verdict = "within noise" if b["within_noise_of_best"] else "worse beyond noise"
        text += f" Baseline {baseline}: rank {int(b['rank'])}, {verdict} against the best."
    return text


def failure_risks(df: pd.DataFrame, order: list[str]) -> list[tuple[str, str]]:
    """(strategy, one line of its risks) for each strategy: detected failure modes and crashed runs."""
    d = done(df)
    out = []
    for s in order:
        sub = d[d["strategy"] == s]
        n = len(sub)
        parts = []
        for c in failure_columns(df):
            k = int(sub[c].fillna(False).astype(bool).sum())
            if k:
                parts.append((k, f"{c[len('failure_'):].replace('_', ' ')} in {k}/{n} runs ({_pct(k / n)})"))
        parts = [p for _, p in sorted(parts, key=lambda kp: -kp[0])]
        bad = df[(df["strategy"] == s) & (df["status"] != "done")]
        if len(bad):
            first = str(bad["error"].iloc[0] or bad["status"].iloc[0])[:160]
            parts.append(f"{len(bad)} job(s) did not complete (e.g. {first})")
        out.append((s, "; ".join(parts) if parts else f"no failure mode detected in {_runs(n)}"))
    return out


def strategy_rows(df: pd.DataFrame, order: list[str]) -> list[dict[str, str]]:
    cols = strategy_columns(df)
    names = short_names(cols)
    rows = []
    for s in order:
        sub = df[df["strategy"] == s]
        d = done(sub)
        row = {"Strategy": s}
        for c in cols:
            row[names[c]] = fmt_value(sub[c].iloc[0])
        row["Runs done / jobs"] = f"{len(d)} / {len(sub)}"
        for col, label in (("spend_yuan", "Spend (yuan, mean)"), ("organizer_hours", "Organizer hours (mean)"),
                           ("income_yuan", "Income (yuan, mean)")):
            if col in d and len(d):
                row[label] = _num(float(pd.to_numeric(d[col], errors="coerce").mean()))
        rows.append(row)
    return rows


# ------------------------------------------------------------------------ rendering
def _md_table(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "(none)\n"
    head = list(rows[0])

    def esc(v) -> str:
        return str(v).replace("|", "\\|")

    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(esc(r.get(h, "")) for h in head) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _html_table(rows: list[dict[str, str]], highlight: set[int] | None = None) -> str:
    if not rows:
        return "<p>(none)</p>"
    head = list(rows[0])
    out = ["<table>", "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr></thead>",
           "<tbody>"]
    for i, r in enumerate(rows):
        cls = ' class="tie"' if highlight and i in highlight else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{html.escape(str(r.get(h, '')))}</td>" for h in head) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", sans-serif; margin: 2em auto;
       max-width: 1150px; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .8em 0; font-size: .92em; }
th, td { border: 1px solid #ccc; padding: .35em .6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } tr.tie td { background: #eef6fb; }
.verdict { background: #fff8e6; border-left: 4px solid #E69F00; padding: .7em 1em; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: .9em; } .muted { color: #666; font-size: .9em; }
"""


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


# ------------------------------------------------------------------------ the report
def build_report(sweep_dir: str | Path, objective: str = DEFAULT_OBJECTIVE, baseline: str | None = None,
                 out: str | Path | None = None) -> Report:
    """Load the sweep, compute the verdict, draw the figures, write report.html and report.md."""
    sweep_dir = Path(sweep_dir)
    df = load_sweep(sweep_dir)
    if df.empty:
        raise SweepError(f"{sweep_dir}: the sweep index has no jobs")
    objective_values(df, objective)  # unknown objective -> SweepError listing the valid ones
    if done(df).empty:
        first = str(df["error"].iloc[0] or df["status"].iloc[0]) if "error" in df else df["status"].iloc[0]
        raise SweepError(f"{sweep_dir}: no complete run ({len(df)} jobs; e.g. {first[:200]})")
    chosen = resolve_baseline(df, baseline)
    baseline = chosen or best_strategy(df, objective)
    default_note = "" if chosen else " (the top-ranked strategy; choose another with --baseline)"
    out = Path(out) if out is not None else sweep_dir
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)

    table = verdict_table(df, objective, baseline)
    order = table.index.tolist()
    verdict = verdict_sentence(table, objective, baseline)
    if objective == "lifetime_days" and "days" in df:
        d = done(df)
        if (pd.to_numeric(d["lifetime_days"], errors="coerce") >= pd.to_numeric(d["days"], errors="coerce")).all():
            verdict += (" Every run was still alive on its last day: lifetime_days is the run length (censored); "
                        "run longer (days=...) to compare lifetimes.")
    qs = questions(df)
    cols = strategy_columns(df)

    curves = order[:MAX_CURVES]
    if baseline not in curves:
        curves = curves[:MAX_CURVES - 1] + [baseline]
    figs: dict[str, tuple[Path, str]] = {}
    figs["lifecycle"] = (figures.lifecycle(df, fig_dir / "lifecycle.png", order=curves),
                         "Members and active members per day: mean over each strategy's runs, band = 95 % "
                         "interval of the mean"
                         + (f" (only {len(curves)} of the {len(order)} strategies: the best-ranked "
                                                   f"and the baseline)" if len(order) > len(curves) else "") + ".")
    if "spend_yuan" in df:
        figs["cost"] = (figures.cost_vs_outcome(df, objective, fig_dir / f"cost_vs_{_safe(objective)}.png",
                                                order=order),
                        ("Spend against the objective per run and per strategy; the dashed line joins the "
                         "strategies no other beats on both cost and outcome."))
    if len(cols) >= 2:
        levels = sorted(cols, key=lambda c: -df[c].astype(str).nunique())
        x, y = levels[0], levels[1]
        figs["heatmap"] = (figures.heatmap(df, objective, x, y, fig_dir / f"heatmap_{_safe(objective)}.png"),
                           f"Mean objective over {short_names([x, y])[x]} and {short_names([x, y])[y]}.")
    figs["failures"] = (figures.failure_modes(df, fig_dir / "failure_modes.png", order=order),
                        "Share of each strategy's runs in which each failure mode was detected.")

    counts = df["status"].value_counts().to_dict()
    status = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    fixed = fixed_settings(df)
    fixed_text = ", ".join(f"{k}={fmt_value(v)}" for k, v in fixed.items()) or "none"
    names = short_names(cols)
    swept_text = "; ".join(f"{names[c]} ({c}): {', '.join(map(fmt_value, figures._natural(df[c].unique())))}"
                           for c in cols) or "nothing (one strategy)"
    better = "higher is better" if higher_is_better(objective) else "lower is better"
    n_reps = done(df).groupby("strategy").size().reindex(strategies(df), fill_value=0)
    reps = f"{n_reps.min()}" if n_reps.min() == n_reps.max() else f"{n_reps.min()} to {n_reps.max()}"
    rows = table_rows(table)
    risks = failure_risks(df, order)
    srows = strategy_rows(df, order)
    ties = {i for i, s in enumerate(order) if table.loc[s, "within_noise_of_best"]}
    method = (f"Intervals: percentile bootstrap of the mean, {N_BOOT} resamples, numpy default_rng(seed {SEED}). "
              f"Differences are paired by (seed, replicate): the same random stream under both strategies; "
              f"'seeds won' is the share of those pairs where the strategy did strictly better. "
              f"'Within noise' means the 95 % interval of the difference contains 0 (or there are fewer than "
              f"2 pairs). Rank by mean; 'tie with 1' = within noise of the top-ranked strategy. "
              f"Active members: spoke in the last 7 days. Failed or incomplete jobs are left out of the statistics "
              f"and listed under failure risks.")
    title = f"Strategy comparison: {sweep_dir.resolve().name}"

    # markdown
    md = [f"# {title}", ""]
    asks = (f"This sweep asks: which {' x '.join(names[c] for c in cols)} gives the best {describe(objective)}?"
            if cols else "This sweep has one strategy: how much do its runs vary?")
    md += ["## Question", ""] + [f"- {q}" for q in (qs or ["(no summary.json with a scenario question)"])] + [""]
    md += [asks, ""]
    md += [(f"Sweep `{sweep_dir}`: {len(df)} jobs ({status}); complete runs per strategy: {reps}. "
           f"Swept: {swept_text}. Fixed: {fixed_text}."), ""]
    md += [(f"Objective: **{describe(objective)}** (`{objective}`, {better}). Baseline: **{baseline}**"
           f"{default_note}."), ""]
    md += ["## Verdict", "", f"> {verdict}", "", _md_table(rows), f"_{method}_", ""]
    md += ["## Strategies", "", _md_table(srows)]
    md += ["## Figures", ""]
    for key, (p, caption) in figs.items():
        md += [f"![{caption}](figures/{p.name})", "", f"_{caption}_", ""]
    md += ["## Failure risks per strategy", ""] + [f"- **{s}**: {text}" for s, text in risks] + [""]
    md_path = out / "report.md"
    md_path.write_text("\n".join(md))

    # html
    def img(p: Path) -> str:
        return "data:image/png;base64," + base64.b64encode(p.read_bytes()).decode("ascii")

    e = html.escape
    h = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{e(title)}</title>",
         f"<style>{CSS}</style></head><body>", f"<h1>{e(title)}</h1>", "<h2>Question</h2>", "<ul>"]
    h += [f"<li>{e(q)}</li>" for q in (qs or ["(no summary.json with a scenario question)"])] + ["</ul>"]
    h += [f"<p>{e(asks)}</p>"]
    h += [(f"<p>Sweep <code>{e(str(sweep_dir))}</code>: {len(df)} jobs ({e(status)}); "
          f"complete runs per strategy: {e(reps)}."
          f"<br>Swept: {e(swept_text)}.<br>Fixed: {e(fixed_text)}.</p>"),
          (f"<p>Objective: <b>{e(describe(objective))}</b> (<code>{e(objective)}</code>, {better}). "
          f"Baseline: <b>{e(baseline)}</b>"
          f"{e(default_note)}.</p>")]
    h += ["<h2>Verdict</h2>", f'<p class="verdict">{e(verdict)}</p>', _html_table(rows, ties),
          f'<p class="muted">{e(method)} Shaded rows: within noise of the top-ranked strategy.</p>']
    h += ["<h2>Strategies</h2>", _html_table(srows), "<h2>Figures</h2>"]
    for key, (p, caption) in figs.items():
        h += [(f'<figure id="fig-{key}"><img alt="{e(caption)}" src="{img(p)}">'
              f"<figcaption>{e(caption)}</figcaption></figure>")]
    h += ["<h2>Failure risks per strategy</h2>", "<ul>"]
    h += [f"<li><b>{e(s)}</b>: {e(text)}</li>" for s, text in risks] + ["</ul>", "</body></html>"]
    html_path = out / "report.html"
    html_path.write_text("\n".join(h))
    return Report(html=html_path, markdown=md_path, figures={k: p for k, (p, _) in figs.items()}, table=table,
                  verdict=verdict, baseline=baseline, objective=objective, questions=qs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description="Compare the strategies of a commsim sweep: an HTML "
                                     "and a markdown report with a verdict table, figures and failure risks.")
    parser.add_argument("sweep_dir", help="the sweep directory (hydra.sweep.dir of a commsim --multirun)")
    parser.add_argument("--objective", default=DEFAULT_OBJECTIVE,
                        help=f"outcome column to rank by (default {DEFAULT_OBJECTIVE}); also "
                             f"'<column> per 1000 yuan' or '<column> per organizer hour'")
    parser.add_argument("--baseline", default=None,
                        help="strategy to compare against, e.g. 'slot=night, amount_yuan=10' (default: the best)")
    parser.add_argument("--out", default=None, help="output directory (default: the sweep directory)")
    args = parser.parse_args(argv)
    try:
        report = build_report(args.sweep_dir, args.objective, args.baseline, args.out)
    except SweepError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # e.g. --out not writable
        print(f"{PROG}: error: {err.filename or ''}: {err.strerror or err}", file=sys.stderr)
        return 2
    print(report.verdict)
    print(f"report: {report.html}\n        {report.markdown}\nfigures: {report.html.parent / 'figures'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
