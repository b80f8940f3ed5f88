import { addonUnavailable } from '../../src/project/engine/native/addon';
import { fixtureSuite } from './fixtures-check';

fixtureSuite('native', addonUnavailable);
