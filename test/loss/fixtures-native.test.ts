import { addonUnavailable } from '../../src/project/backend/native/addon';
import { fixtureSuite } from './fixtures-check';

fixtureSuite('native', addonUnavailable);
