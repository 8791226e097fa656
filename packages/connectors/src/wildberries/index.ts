// Wildberries connectors (reviews, questions, buyer chat). Importing this module registers them.
import { registerConnector, registerMarketplace } from "../core/registry";
import type { WildberriesCredentials } from "./common";
import { WBChatConnector } from "./chat-connector";
import { WBFeedbacksConnector } from "./feedbacks-connector";
import { WBQuestionsConnector } from "./questions-connector";

declare module "../core/registry" {
  interface MarketplaceAliasMap {
    wb: "wildberries";
  }
  interface ConnectorTypeMap {
    "wildberries:review": { connector: WBFeedbacksConnector; credentials: WildberriesCredentials };
    "wildberries:question": { connector: WBQuestionsConnector; credentials: WildberriesCredentials };
    "wildberries:chat": { connector: WBChatConnector; credentials: WildberriesCredentials };
  }
}

registerMarketplace({ id: "wildberries", displayName: "Wildberries", aliases: ["wb"] });
registerConnector("wildberries", "review", WBFeedbacksConnector);
registerConnector("wildberries", "question", WBQuestionsConnector);
registerConnector("wildberries", "chat", WBChatConnector);

export { WBFeedbacksConnector, feedbackAttachments, type WBFeedback, type ListFeedbacksParams } from "./feedbacks-connector";
export { WBQuestionsConnector, type WBQuestion, type ListQuestionsParams } from "./questions-connector";
export { WBChatConnector, eventAttachments, groupEvents, type WBChat, type WBDownload, type WBEvent } from "./chat-connector";
export {
  WB_CHAT_HOST,
  WB_FEEDBACKS_HOST,
  WB_FEEDBACKS_SANDBOX_HOST,
  wbProductUrl,
  wbTokenType,
  wildberriesCredentialsSchema,
  type WildberriesCredentials,
} from "./common";
