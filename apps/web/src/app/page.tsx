import { redirect } from "next/navigation";
import { getSessionUserId } from "~/server/auth";

export default async function HomePage() {
  redirect((await getSessionUserId()) ? "/inbox" : "/signin");
}
