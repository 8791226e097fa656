"use client";
import { RouteError } from "~/components/route-error";

export default function ErrorPage(props: { error: Error & { digest?: string }; reset: () => void; retry: () => void }) {
  return <RouteError {...props} />;
}
