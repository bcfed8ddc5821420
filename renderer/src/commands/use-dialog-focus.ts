import { useEffect, useRef, type RefObject } from 'react';

/**
 * A modal dialog's focus: moves it to `initial` when the dialog opens and gives it back to whatever
 * had it when the dialog closes (if that is still on the page).
 */
export function useDialogFocus(initial: RefObject<HTMLElement | null>): void {
  const previous = useRef<Element | null>(null);
  useEffect(() => {
    previous.current = document.activeElement;
    initial.current?.focus();
    return () => {
      const element = previous.current;
      if (element instanceof HTMLElement && element.isConnected) element.focus();
    };
  }, [initial]);
}
