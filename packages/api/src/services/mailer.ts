// Outgoing email (invitations), through nodemailer's SMTP transport when SMTP_URL is set. Without it
// the app sends nothing and the UI shows the link to copy instead.
import type { Role } from "@inbox/db";
import nodemailer from "nodemailer";

export interface MailSettings {
  /** smtp://user:pass@host:587 or smtps://…:465 (nodemailer's connection URL). */
  url: string;
  from: string;
  /** The app's public URL, the base of links in mails. */
  publicUrl: string;
}

/** SMTP_URL, SMTP_FROM (default "Marketplace Inbox <no-reply@host of NEXTAUTH_URL>") and NEXTAUTH_URL; null without SMTP_URL. */
export function mailSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): MailSettings | null {
  const url = env.SMTP_URL?.trim();
  if (!url) return null;
  const publicUrl = (env.NEXTAUTH_URL?.trim() || `http://${env.HOST ?? "127.0.0.1"}:${env.PORT ?? "3000"}`).replace(/\/+$/, "");
  const from = env.SMTP_FROM?.trim() || `Marketplace Inbox <no-reply@${new URL(publicUrl).hostname}>`;
  return { url, from, publicUrl };
}

const ROLE_NAMES: Record<"ru" | "en", Record<Role, string>> = {
  ru: { OWNER: "владелец", AGENT: "агент", VIEWER: "наблюдатель" },
  en: { OWNER: "owner", AGENT: "agent", VIEWER: "viewer" },
};

/** The invitation mail, in Russian and English (the invitee's language is not known yet). */
export function invitationMail(params: { sellerName: string; inviterName: string; role: Role; link: string; expiresAt: Date }) {
  const until = params.expiresAt.toISOString().slice(0, 10);
  const subject = `Приглашение в «${params.sellerName}» — Marketplace Inbox / Invitation to "${params.sellerName}"`;
  const text = [
    `${params.inviterName} приглашает вас в продавца «${params.sellerName}» в Marketplace Inbox (роль: ${ROLE_NAMES.ru[params.role]}).`,
    `Откройте ссылку, чтобы принять приглашение (действует до ${until}):`,
    params.link,
    "",
    `${params.inviterName} invites you to the seller "${params.sellerName}" in Marketplace Inbox (role: ${ROLE_NAMES.en[params.role]}).`,
    `Open the link to accept (valid until ${until}):`,
    params.link,
    "",
    "Если вы не ждали это письмо, просто удалите его. / If you did not expect this, ignore this email.",
  ].join("\n");
  return { subject, text };
}

export async function sendMail(settings: MailSettings, message: { to: string; subject: string; text: string }): Promise<void> {
  // Bounded waits: the owner's request waits for the mail server (URL parameters may override).
  const transport = nodemailer.createTransport({
    url: settings.url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({ from: settings.from, to: message.to, subject: message.subject, text: message.text });
  } finally {
    transport.close();
  }
}
