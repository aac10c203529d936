/**
 * A stand-in for the two AWS APIs the Lambda handler calls, on 127.0.0.1 only, so that the
 * handler benchmark sends no request off the machine:
 *
 * - SSM GetParameter, in the AWS JSON 1.1 protocol (`X-Amz-Target: AmazonSSM.GetParameter`),
 *   returns the trusted list it was started with.
 * - SNS Publish, in the AWS query protocol (form body `Action=Publish`), returns a PublishResponse
 *   with a new message id.
 *
 * Anything else gets a 400 error in the protocol's error format and is counted as rejected. It
 * checks only the fields it needs for a response, and no signatures.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubAwsOptions {
  /** The SSM parameter that GetParameter serves. Other names get ParameterNotFound. */
  parameterName: string;
  /** Its value, in the trusted list's formats. */
  parameterValue: string;
}

export interface StubAwsCounts {
  getParameter: number;
  publish: number;
  /** Requests rejected with an error: an unknown action, a missing field or a wrong parameter name. */
  rejected: number;
}

export interface StubAws {
  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL. */
  endpoint: string;
  counts: StubAwsCounts;
  /** The reason for each rejection, up to the first 20. */
  rejections: string[];
  close(): Promise<void>;
}

/** Maximum request body in bytes, well above the 256 KiB an SNS message may have. */
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_REJECTIONS_KEPT = 20;
const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Formats a counter as a version 4 UUID, the form of SNS message ids and request ids. */
function counterUuid(counter: number): string {
  const hex = counter.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': counterUuid(0) });
  response.end(body);
}

/** Starts the stub on 127.0.0.1 and an ephemeral port. */
export async function startStubAws(options: StubAwsOptions): Promise<StubAws> {
  const counts: StubAwsCounts = { getParameter: 0, publish: 0, rejected: 0 };
  const rejections: string[] = [];
  let messageCounter = 0;

  const reject = (response: ServerResponse, protocol: 'json' | 'query', code: string, message: string): void => {
    counts.rejected += 1;
    if (rejections.length < MAX_REJECTIONS_KEPT) {
      rejections.push(`${code}: ${message}`);
    }
    if (protocol === 'json') {
      send(response, 400, 'application/x-amz-json-1.1', JSON.stringify({ __type: code, message }));
    } else {
      const body = `<ErrorResponse xmlns="${SNS_NAMESPACE}"><Error><Type>Sender</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${counterUuid(0)}</RequestId></ErrorResponse>`;
      send(response, 400, 'text/xml', body);
    }
  };

  const handleSsm = (target: string, body: string, response: ServerResponse): void => {
    if (target !== 'AmazonSSM.GetParameter') {
      reject(response, 'json', 'InvalidAction', `the stub serves only AmazonSSM.GetParameter, not ${target}`);
      return;
    }
    let name: unknown;
    try {
      name = (JSON.parse(body) as { Name?: unknown }).Name;
    } catch {
      reject(response, 'json', 'SerializationException', 'the request body is not JSON');
      return;
    }
    if (name !== options.parameterName) {
      reject(response, 'json', 'ParameterNotFound', `parameter ${String(name)} not found; the stub serves ${options.parameterName}`);
      return;
    }
    counts.getParameter += 1;
    const parameter = {
      Name: options.parameterName,
      Type: 'StringList',
      Value: options.parameterValue,
      Version: 1,
      LastModifiedDate: 1714521600,
      ARN: `arn:aws:ssm:us-east-1:111122223333:parameter${options.parameterName.startsWith('/') ? '' : '/'}${options.parameterName}`,
      DataType: 'text',
    };
    send(response, 200, 'application/x-amz-json-1.1', JSON.stringify({ Parameter: parameter }));
  };

  const handleSns = (body: string, response: ServerResponse): void => {
    const form = new URLSearchParams(body);
    const action = form.get('Action');
    if (action !== 'Publish') {
      reject(response, 'query', 'InvalidAction', `the stub serves only Publish, not ${action ?? 'a request without Action'}`);
      return;
    }
    if (!form.get('TopicArn') || !form.get('Message')) {
      reject(response, 'query', 'InvalidParameter', 'Publish needs TopicArn and Message');
      return;
    }
    counts.publish += 1;
    messageCounter += 1;
    const id = counterUuid(messageCounter);
    const xml = `<PublishResponse xmlns="${SNS_NAMESPACE}"><PublishResult><MessageId>${id}</MessageId></PublishResult><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></PublishResponse>`;
    send(response, 200, 'text/xml', xml);
  };

  const server = createServer((request, response) => {
    readBody(request).then(
      (body) => {
        const target = request.headers['x-amz-target'];
        if (typeof target === 'string') {
          handleSsm(target, body, response);
        } else {
          handleSns(body, response);
        }
      },
      (error: Error) => reject(response, 'query', 'InvalidRequest', error.message),
    );
  });

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    rejections,
    close: () =>
      new Promise<void>((resolve, rejectClose) => {
        server.closeAllConnections();
        server.close((error) => (error ? rejectClose(error) : resolve()));
      }),
  };
}
