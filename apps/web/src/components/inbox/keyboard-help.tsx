"use client";
// The list of keyboard shortcuts (`?`), in a native modal dialog: it traps focus and closes on Esc.
import { useEffect, useRef } from "react";
import type { Messages } from "~/i18n/messages";
import { Button } from "../ui";

export function KeyboardHelp({ open, onClose, t }: { open: boolean; onClose: () => void; t: Messages }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  const keys = t.triage.keys;
  return (
    <dialog
      ref={dialogRef}
      // Esc fires `cancel` at once and `close` only in a later task: the list's keys must work again
      // from the very next key press.
      onCancel={onClose}
      onClose={onClose}
      aria-labelledby="keyboard-help-title"
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl p-0 shadow-xl backdrop:bg-slate-900/40"
      data-testid="keyboard-help"
    >
      <div className="p-5">
        <h2 id="keyboard-help-title" className="text-lg font-semibold">
          {keys.title}
        </h2>
        <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          {keys.list.map(([key, action]) => (
            <div key={key} className="contents">
              <dt>
                <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-xs">{key}</kbd>
              </dt>
              <dd className="text-slate-700">{action}</dd>
            </div>
          ))}
        </dl>
        <div className="mt-5 text-right">
          <Button type="button" variant="secondary" onClick={onClose} autoFocus>
            {keys.close}
          </Button>
        </div>
      </div>
    </dialog>
  );
}
