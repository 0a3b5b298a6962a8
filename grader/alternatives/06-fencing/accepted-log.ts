// Correct alternative: keeps the log of accepted writes; the highest token is the last entry's, a read scans back for its key.
interface Entry {
  token: number;
  key: string;
  value: string;
}

export function createFencedStore() {
  const accepted: Entry[] = [];
  return {
    write(token: number, key: string, value: string): "accepted" | "rejected" {
      const last = accepted[accepted.length - 1];
      if (last && token < last.token) return "rejected";
      accepted.push({ token, key, value });
      return "accepted";
    },
    read(key: string): string | null {
      for (let i = accepted.length - 1; i >= 0; i--) if (accepted[i].key === key) return accepted[i].value;
      return null;
    },
  };
}
