"use client";
// One analytics chart with its accessible alternative: a switch between the chart and a table of the
// same rows, and a CSV download of those rows. Screen readers get the table; the chart's figure is
// labelled and says where the numbers are.
import Link from "next/link";
import { useId, useState, type ReactNode } from "react";
import { Button, Card, cn } from "../ui";

export interface Column {
  key: string;
  label: string;
  /** How a cell reads in the table; the CSV keeps the raw value. */
  format?: (value: Value) => ReactNode;
  numeric?: boolean;
}

export type Value = string | number | null;
export type Row = Record<string, Value>;

/** RFC 4180 CSV with a BOM, so spreadsheet apps read Cyrillic as UTF-8. */
export function toCsv(columns: Column[], rows: Row[]): string {
  const cell = (value: Value) => {
    const text = value === null ? "" : String(value);
    return /[",\n\r;]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [columns.map((column) => cell(column.label)), ...rows.map((row) => columns.map((column) => cell(row[column.key] ?? null)))];
  return `\uFEFF${lines.map((line) => line.join(",")).join("\r\n")}\r\n`;
}

function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

export function ChartCard({
  id,
  title,
  description,
  columns,
  rows,
  csvName,
  chart,
  labels,
  emptyText,
  defaultView = "chart",
  linkColumn,
}: {
  id: string;
  title: string;
  description: string;
  columns: Column[];
  rows: Row[];
  csvName: string;
  chart: ReactNode;
  labels: { chart: string; table: string; csv: string; chartOf: string };
  emptyText: string;
  defaultView?: "chart" | "table";
  /** A last table column linking each row somewhere (not exported). */
  linkColumn?: { label: string; href: (row: Row) => string };
}) {
  const [view, setView] = useState<"chart" | "table">(defaultView);
  const headingId = useId();
  const empty = rows.length === 0;
  return (
    <Card className="p-5" data-testid={`chart-${id}`} role="region" aria-labelledby={headingId}>
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <h2 id={headingId} className="text-base font-semibold">
            {title}
          </h2>
          <p className="mt-0.5 text-xs text-slate-500">{description}</p>
        </div>
        <div className="flex items-center gap-1" role="group" aria-label={title}>
          {(["chart", "table"] as const).map((option) => (
            <Button
              key={option}
              type="button"
              variant={view === option ? "secondary" : "ghost"}
              className="px-2.5 py-1 text-xs"
              aria-pressed={view === option}
              onClick={() => setView(option)}
            >
              {labels[option]}
            </Button>
          ))}
          <Button
            type="button"
            variant="ghost"
            className="px-2.5 py-1 text-xs"
            disabled={empty}
            onClick={() => download(csvName, toCsv(columns, rows))}
          >
            {labels.csv}
          </Button>
        </div>
      </div>
      {empty ? (
        <p className="mt-4 text-sm text-slate-500">{emptyText}</p>
      ) : view === "chart" ? (
        <figure className="mt-4 h-64" aria-label={labels.chartOf.replace("{title}", title)} data-testid="chart">
          {chart}
        </figure>
      ) : (
        <div className="mt-4 max-h-96 overflow-auto">
          <table className="w-full text-left text-sm" data-testid="chart-table">
            <caption className="sr-only">{title}</caption>
            <thead className="sticky top-0 bg-white text-xs text-slate-500">
              <tr className="border-b border-slate-200">
                {columns.map((column) => (
                  <th key={column.key} scope="col" className={cn("py-1.5 pr-3 font-medium", column.numeric && "text-right")}>
                    {column.label}
                  </th>
                ))}
                {linkColumn && (
                  <th scope="col" className="py-1.5 font-medium">
                    <span className="sr-only">{linkColumn.label}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-50">
              {rows.map((row, index) => (
                <tr key={index}>
                  {columns.map((column) => (
                    <td
                      key={column.key}
                      data-column={column.key}
                      className={cn("py-1.5 pr-3", column.numeric && "text-right tabular-nums")}
                    >
                      {column.format ? column.format(row[column.key] ?? null) : (row[column.key] ?? "—")}
                    </td>
                  ))}
                  {linkColumn && (
                    <td className="py-1.5">
                      <Link href={linkColumn.href(row)} className="whitespace-nowrap text-brand-700 hover:underline">
                        {linkColumn.label}
                      </Link>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
