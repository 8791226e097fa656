import type { ReactNode } from "react";

// A reading width for this page; the seller layout leaves the full width to the inbox.
export default function NarrowLayout({ children }: { children: ReactNode }) {
  return <div className="mx-auto max-w-5xl">{children}</div>;
}
