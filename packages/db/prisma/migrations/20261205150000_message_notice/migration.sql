-- Messages from the marketplace itself (its automatic notices, support staff, couriers): shown in the
-- thread, but neither the buyer asking nor the seller answering.
ALTER TYPE "MessageDirection" ADD VALUE 'NOTICE';
