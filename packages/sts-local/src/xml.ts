// Response bodies in the shapes of the Query protocol, for STS (API version 2011-06-15) and IAM (2010-05-08).

/** XML namespace of every STS response body. */
export const STS_XML_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/** Escapes the five XML special characters, so any string is safe as element text. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Builds `<name>text</name>` with the text escaped. */
export function xmlElement(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** XML namespace of every IAM response body. */
export const IAM_XML_NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";

/**
 * Builds a success body of the Query protocol: `<{action}Response>` with `<{action}Result>` around
 * `resultXml` and the request id in `<ResponseMetadata>`. `resultXml` must already be escaped.
 */
export function buildSuccessXml(action: string, resultXml: string, requestId: string, namespace = STS_XML_NAMESPACE): string {
  return (
    `<${action}Response xmlns="${namespace}">` +
    `<${action}Result>${resultXml}</${action}Result>` +
    `<ResponseMetadata>${xmlElement("RequestId", requestId)}</ResponseMetadata>` +
    `</${action}Response>`
  );
}

/**
 * Builds an `<ErrorResponse>` body of the Query protocol. The Type is `Receiver` for 5xx statuses
 * (a server fault) and `Sender` otherwise (a client fault), as STS and IAM report it.
 */
export function buildErrorXml(status: number, code: string, message: string, requestId: string, namespace = STS_XML_NAMESPACE): string {
  const type = status >= 500 ? "Receiver" : "Sender";
  return (
    `<ErrorResponse xmlns="${namespace}">` +
    `<Error>${xmlElement("Type", type)}${xmlElement("Code", code)}${xmlElement("Message", message)}</Error>` +
    xmlElement("RequestId", requestId) +
    `</ErrorResponse>`
  );
}
