// What the app can connect to, straight from the connector registry: the UI builds its marketplace
// pickers, filters and credential forms from this list and keeps no list of its own.
import { listMarketplaces } from "@inbox/connectors";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { restRoute } from "../rest-route";
import { registeredChannels, type MarketplaceName } from "../services/enums";

export const catalogRouter = createTRPCRouter({
  /** Each registered marketplace with its channels (reply limits, capabilities) and credential fields. */
  marketplaces: protectedProcedure
    .meta(restRoute("GET", "/catalog/marketplaces", "Marketplaces with their channels and credential fields", "read"))
    .query(() =>
      listMarketplaces().map((marketplace) => ({
        id: marketplace.id as MarketplaceName,
        displayName: marketplace.displayName,
        channels: marketplace.channels.map(({ channel, capabilities }) => ({
          channel,
          sendReply: capabilities.sendReply,
          markRead: capabilities.markRead,
          /** Reply length the marketplace accepts; null when it takes no replies on this channel. */
          replyText: capabilities.sendReply ? capabilities.replyText : null,
          /** A chat takes any number of messages; a review or question one answer. */
          answersPerItem: channel === "chat" ? ("many" as const) : ("one" as const),
          /** The answer can be edited through the API (when the item says it still can: `answerEditable`). */
          editAnswer: channel !== "chat" && capabilities.editReply,
        })),
        credentialFields: marketplace.credentialFields,
      })),
    ),

  /** Channels at least one registered marketplace serves, in the order the UI shows them. */
  channels: protectedProcedure
    .meta(restRoute("GET", "/catalog/channels", "Channels the app serves", "read"))
    .query(() => registeredChannels()),
});
