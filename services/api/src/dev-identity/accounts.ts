/**
 * The development provider's demo accounts. Fixed, printed at start and written in the README:
 * they sign in to a provider that only `npm start` runs, on the developer's own machine.
 */
export interface DemoAccount {
  /** The token's `sub`. */
  id: string;
  username: string;
  password: string;
  name: string;
  /** In the teachers group (AUTH_TEACHER_GROUP); else in `students`. */
  teacher: boolean;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    id: 'demo-student',
    username: 'student',
    password: 'student-demo',
    name: 'Demo Student',
    teacher: false,
  },
  {
    id: 'demo-teacher',
    username: 'teacher',
    password: 'teacher-demo',
    name: 'Demo Teacher',
    teacher: true,
  },
];

export function accountById(id: string): DemoAccount | undefined {
  return DEMO_ACCOUNTS.find((account) => account.id === id);
}

/** The account these credentials open, if any. */
export function signIn(username: string, password: string): DemoAccount | undefined {
  return DEMO_ACCOUNTS.find(
    (account) => account.username === username.trim() && account.password === password,
  );
}
