// registerFlow's option differences: the option names the type of the two
// values, numbers (null: inherited, startDelay: none) or, for whenExhausted,
// one of its three words (never null: it is not inherited).
import { expectAssignable, expectError, expectType } from 'tsd';
import type { OptionDifference, WhenExhausted } from '../dist/index.js';

declare const difference: OptionDifference;

expectType<number | WhenExhausted | null>(difference.code);
expectType<string>(difference.description);
if (difference.option === 'whenExhausted') {
  expectType<WhenExhausted>(difference.code);
  expectType<WhenExhausted>(difference.database);
  expectType<string>(difference.step);
} else {
  expectType<'maxAttempts' | 'baseDelay' | 'timeout' | 'startDelay'>(difference.option);
  expectType<number | null>(difference.code);
  expectType<number | null>(difference.database);
  expectType<string | null>(difference.step);
}

expectAssignable<OptionDifference>({
  step: 'a', option: 'whenExhausted', code: 'skip', database: 'fail',
  description: 'step "a" whenExhausted: skip in code, fail in the database',
});
expectError<OptionDifference>({ step: 'a', option: 'whenExhausted', code: 3, database: 'fail', description: '' });
expectError<OptionDifference>({ step: null, option: 'whenExhausted', code: 'skip', database: 'fail', description: '' });
