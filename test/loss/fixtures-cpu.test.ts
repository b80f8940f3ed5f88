import { fixtureSuite } from './fixtures-check';

fixtureSuite('cpu');
