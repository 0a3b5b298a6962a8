// Known-wrong: fences correctly, but read(key) answers `value || null`, so an accepted write of the empty string reads back as null.
export function createFencedStore() {
  const log: { token: number; key: string; value: string }[] = [];
  return {
    write(token: number, key: string, value: string): "accepted" | "rejected" {
      if (log.some((entry) => entry.token > token)) return "rejected";
      log.push({ token, key, value });
      return "accepted";
    },
    read(key: string): string | null {
      const last = log.filter((entry) => entry.key === key).pop();
      return last?.value || null;
    },
  };
}
