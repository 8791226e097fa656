// Placeholders shaped like the inbox, shown while its data streams in: same rows and sizes as the
// real list, so nothing jumps when it arrives.
import { Card, cn } from "./ui";

function Bar({ className }: { className: string }) {
  return <div className={cn("rounded bg-slate-200", className)} />;
}

export function InboxListSkeleton({ label, rows = 8 }: { label?: string; rows?: number }) {
  return (
    <Card role="status" aria-busy="true" aria-label={label} data-testid="inbox-loading">
      <ul className="animate-pulse divide-y divide-slate-100">
        {Array.from({ length: rows }, (_, index) => (
          <li key={index} className="flex gap-3 px-4 py-3">
            <span className="mt-2 h-2 w-2 shrink-0 rounded-full bg-slate-200" />
            <div className="min-w-0 flex-1 space-y-2">
              <Bar className="h-3 w-1/3" />
              <Bar className="h-4 w-full bg-slate-100" />
              <Bar className="h-4 w-20 bg-slate-100" />
            </div>
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** The whole inbox page, before even its filters are known (route-level loading state). */
export function InboxPageSkeleton({ label }: { label?: string }) {
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <Bar className="h-7 w-32" />
        <Bar className="h-9 w-80 bg-slate-100" />
      </div>
      <div className="flex flex-wrap gap-2">
        {Array.from({ length: 6 }, (_, index) => (
          <Bar key={index} className="h-7 w-24 rounded-full bg-slate-100" />
        ))}
      </div>
      <InboxListSkeleton label={label} />
    </div>
  );
}
