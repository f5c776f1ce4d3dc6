import { useEffect, useRef } from 'preact/hooks';

/**
 * Follows the answer as it grows while the student is at the bottom; leaves them be when they
 * scrolled up to read something else. A new question always brings the view down.
 */
export function useFollowScroll(turnCount: number): void {
  const atBottom = useRef(true);
  const seen = useRef(0);
  useEffect(() => {
    const onScroll = () => {
      const page = document.documentElement;
      atBottom.current = page.scrollHeight - (page.scrollTop + page.clientHeight) < 80;
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, []);
  useEffect(() => {
    const added = turnCount > seen.current;
    seen.current = turnCount;
    if (added || atBottom.current) {
      window.scrollTo({ top: document.documentElement.scrollHeight });
      atBottom.current = true;
    }
  });
}
