import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AppContext } from "../../app/context.js";
import { attemptProof } from "../../app/transparency/attempt-proof.js";
import { access, ownerIsIdParam, staffReaders } from "../auth.js";
import { unwrap } from "../problems.js";
import { Id, List, problemResponses } from "../schemas.js";

const tags = ["audit"];

/** Whoever may read the contact log (the borrower their own, staff) may check its proofs. */
const proofReaders = access({
  serviceKey: true,
  roles: ["borrower", ...staffReaders],
  owner: ownerIsIdParam,
});

const Hex = Type.String({
  pattern: "^[0-9a-f]{64}$",
  description: "a SHA-256 hash, lowercase hex",
});

const ProofParams = Type.Object({ id: Id, attemptId: Id });

const AttemptProofView = Type.Object({
  leaf: Type.Object({
    seq: Type.Integer(),
    at: Type.Integer({ description: "milliseconds since the Unix epoch, as hashed" }),
    kind: Type.String({ examples: ["contact.decided"] }),
    subject: Type.String(),
    data: Type.Record(
      Type.String(),
      Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
    ),
    hash: Hex,
  }),
  seq: Type.Integer({ description: "the leaf's index in the log (RFC 6962 leaf index)" }),
  checkpoint: Type.Object({
    seq: Type.Integer(),
    treeSize: Type.Integer(),
    rootHash: Hex,
    at: Type.String(),
    text: Type.String({ description: "the signed text (docs/audit.md, Checkpoints)" }),
    keyId: Type.String({ examples: ["ed25519:0123456789abcdef"] }),
    signature: Type.String({ description: "Ed25519 over the UTF-8 of text, base64" }),
  }),
  proof: List(Hex),
});

/**
 * The transparency log as a borrower meets it (DESIGN.md "Audit"): the inclusion proof of one
 * contact-log entry's decision against the latest signed checkpoint, checkable with the public
 * key alone (docs/audit.md "Inclusion proofs"). Access follows the contact log it belongs to:
 * the borrower their own, staff, and (as before logins) the service key.
 */
export const auditRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/borrowers/:id/contact-log/:attemptId/proof",
    {
      config: { access: proofReaders },
      schema: {
        tags,
        summary: "The inclusion proof of a contact-log entry's decision in the signed audit log",
        description:
          "The decision's audit leaf (every field its hash covers), the latest checkpoint as " +
          "signed, and the RFC 6962 audit path between them. 404 when the attempt is not on " +
          "this borrower's log, or was decided after the latest checkpoint.",
        params: ProofParams,
        response: { 200: AttemptProofView, ...problemResponses(400, 401, 404, 409) },
      },
    },
    async (request) => unwrap(await attemptProof(ctx, request.params.id, request.params.attemptId)),
  );
};
