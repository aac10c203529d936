/**
 * Escaping for Slack's markup, as AWS Chatbot renders `client-markdown` text. An event value must
 * not mention a channel or user, add a link, or change the layout, so each value is shown as
 * inline code with Slack's control characters neutralised.
 */
import { bound } from '../core/text';

const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Escapes an untrusted value for Slack text: `&`, `<` and `>` become entities (so `<!channel>`,
 * `<@U…>` and `<url|text>` cannot form), line breaks and control characters become spaces, a
 * zero-width space breaks `@` mentions and `://` auto-links, and backticks are replaced so the
 * value cannot leave its code span. `file://` stays whole, so that a copied AWS CLI command still
 * reads its file.
 */
export function escapeSlackText(value: string, max = 256): string {
  return (
    bound(value, max)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/`/g, 'ˋ')
      .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
      // NOTE: this assumes Slack does not turn `file:` URLs into links, as it does `http:` ones.
      .replace(/(?<!file):\/\//gi, `:${ZERO_WIDTH_SPACE}//`)
      .replace(/\bwww\./gi, (match) => `${match.slice(0, 3)}${ZERO_WIDTH_SPACE}.`)
  );
}

/** Formats an escaped value as inline code, where formatting characters such as `*` and `_` show as typed. */
export function slackCode(value: string, max = 256): string {
  const escaped = escapeSlackText(value, max);
  return escaped === '' ? '`-`' : `\`${escaped}\``;
}
