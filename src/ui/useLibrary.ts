import { useCallback, useEffect, useState } from 'preact/hooks';
import { listStyles, type Listing } from '../library/store';

/** The library as the popup shows it, with object URLs for thumbnails (revoked on reload). */
export function useLibrary() {
  const [listing, setListing] = useState<Listing>({ styles: [], damaged: [] });
  const [thumbs, setThumbs] = useState<Record<string, string>>({});
  const reload = useCallback(async () => {
    const next = await listStyles();
    setThumbs((old) => {
      Object.values(old).forEach((u) => URL.revokeObjectURL(u));
      return Object.fromEntries(next.styles.map((s) => [s.id, URL.createObjectURL(s.thumbnail)]));
    });
    setListing(next);
  }, []);
  useEffect(() => void reload(), [reload]);
  return { listing, thumbs, reload };
}
