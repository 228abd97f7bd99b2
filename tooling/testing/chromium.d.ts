import type { BrowserContext } from "playwright-core";

/** Where Debian installs Chromium. */
export declare const CHROMIUM: string;

/**
 * Headless Chromium with a fresh profile (a temporary folder named from `profilePrefix`);
 * throws, naming the fix, when Chromium is not installed. `close()` also removes the profile.
 */
export declare function launchChromium(
  profilePrefix: string,
): Promise<{ context: BrowserContext; close(): Promise<void> }>;
