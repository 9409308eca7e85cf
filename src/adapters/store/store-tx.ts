import type { StoreTx } from "../../ports/store.js";
import { SqlApiKeyRepository } from "./api-key-repository.js";
import { SqlAuditRepository } from "./audit-repository.js";
import { SqlBorrowerRepository } from "./borrower-repository.js";
import { SqlCheckpointRepository } from "./checkpoint-repository.js";
import { SqlChoiceRepository } from "./choice-repository.js";
import type { Db } from "./codec.js";
import { SqlContactAttemptRepository } from "./contact-attempt-repository.js";
import { SqlContactPlanRepository } from "./contact-plan-repository.js";
import { SqlDeliveryRepository } from "./delivery-repository.js";
import type { StoreDialect } from "./dialect.js";
import { SqlIdempotencyRepository } from "./idempotency-repository.js";
import { SqlLedgerRepository } from "./ledger-repository.js";
import { SqlLoanRepository } from "./loan-repository.js";
import { SqlOperationRepository } from "./operation-repository.js";
import { SqlOutboxRepository } from "./outbox-repository.js";
import { SqlPrivacyRepository } from "./privacy-repository.js";
import { SqlProductRepository } from "./product-repository.js";
import {
  SqlLoginThrottleRepository,
  SqlSessionRepository,
  SqlUserRepository,
} from "./user-repository.js";

/** The repositories of one transaction, all querying through its handle. */
export function storeTx(db: Db, dialect: StoreDialect): StoreTx {
  return {
    products: new SqlProductRepository(db),
    borrowers: new SqlBorrowerRepository(db),
    loans: new SqlLoanRepository(db, dialect),
    operations: new SqlOperationRepository(db),
    ledger: new SqlLedgerRepository(db, dialect),
    audit: new SqlAuditRepository(db, dialect),
    checkpoints: new SqlCheckpointRepository(db, dialect),
    idempotency: new SqlIdempotencyRepository(db),
    apiKeys: new SqlApiKeyRepository(db),
    contactAttempts: new SqlContactAttemptRepository(db),
    contactPlans: new SqlContactPlanRepository(db),
    outbox: new SqlOutboxRepository(db),
    choices: new SqlChoiceRepository(db),
    deliveries: new SqlDeliveryRepository(db),
    privacy: new SqlPrivacyRepository(db),
    users: new SqlUserRepository(db, dialect),
    sessions: new SqlSessionRepository(db),
    loginThrottle: new SqlLoginThrottleRepository(db),
  };
}
