/** When a step without a time is proposed: mid-morning, inside every pack's window. */
export const defaultStepTime = "09:00";

/** A step's local time, `HH:MM` from 00:00 to 23:59. */
export const stepTimePattern = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
