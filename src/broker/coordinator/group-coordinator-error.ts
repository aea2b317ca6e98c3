import { SluiceError } from '../../errors.ts';

/**
 * An internal rule of the group coordinator was broken (a member asked for a protocol it never
 * offered, a group elected a protocol with no members). It signals a bug, never a client mistake:
 * client mistakes are answered with Kafka error codes.
 *
 * @example
 * ```ts
 * throw new GroupCoordinatorError("Group 'g' has no members to choose a protocol for.");
 * ```
 */
export class GroupCoordinatorError extends SluiceError {}
